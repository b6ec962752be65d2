package org.nuttssh.ssh;

import java.nio.file.Path;

import org.nuttssh.auth.Admission;
import org.nuttssh.auth.KeyAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a reload of authorized_keys or revoked-keys to the connections already logged in: one whose key or
 * certificate is no longer admitted (its line gone, {@code from=} no longer matching, revoked) is disconnected and
 * told why; the others get the rights and names of the line that admits them now, and lose their listeners if their
 * name is no longer theirs to use. Runs on the thread that reloaded the file, never on an I/O thread.
 */
final class Revocation {

    private static final Logger log = LoggerFactory.getLogger(Revocation.class);
    /** What a revoked client is told; OpenSSH prints it. */
    static final String REVOKED = "your key or certificate was revoked (the relay's revoked-keys)";
    static final String REMOVED = "your key was removed from the relay's authorized_keys";

    private final ConnectedClients clients;
    private final KeyAuthenticator authenticator;

    Revocation(ConnectedClients clients, KeyAuthenticator authenticator) {
        this.clients = clients;
        this.authenticator = authenticator;
    }

    /** @param changed the file that was reloaded, for the log */
    void recheck(Path changed) {
        for (ClientConnection client : clients.all()) {
            try {
                apply(client);
            } catch (RuntimeException e) {
                log.error("applying {} to {} failed; it keeps its rights until the next change", changed,
                        client.describe(), e);
            }
        }
    }

    private void apply(ClientConnection client) {
        Admission admission = authenticator.admits(client.session(),
                client.session().getAttribute(KeyAuthenticator.PRESENTED_KEY));
        if (admission.admitted()) {
            client.reauthorize(admission.line()); // the same line too: another line may have reserved its name
            return;
        }
        log.info("revoked: {} ({}): {}; disconnecting", client.describe(), client.identity(), admission.refusal());
        client.disconnect(admission.revoked() ? REVOKED : REMOVED);
    }
}
