package org.nuttssh.testing;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

/** A public-key login with MINA's own client, to a server on the loopback address: what OpenSSH's cannot send. */
public final class MinaLogin {

    private MinaLogin() {
    }

    /**
     * A session authenticated as {@code user} with {@code identity}, each step given {@code timeout}. A refused login
     * closes its session, so that a test expecting the refusal leaves no connection behind.
     */
    public static ClientSession login(SshClient client, String user, int port, KeyPair identity, Duration timeout)
            throws IOException {
        ClientSession session = client.connect(user, "127.0.0.1", port).verify(timeout).getSession();
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(timeout);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }
}
