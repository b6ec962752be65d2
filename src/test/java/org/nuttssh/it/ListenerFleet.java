package org.nuttssh.it;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.nuttssh.testing.MinaLogin;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Many idle listening clients in this JVM, each what {@code ssh -N -R 22:localhost:9 NAME@relay} does: a load that
 * thousands of OpenSSH processes would be too heavy for. A client the relay turns away is counted, not an error.
 */
final class ListenerFleet implements AutoCloseable {

    /** Logins in flight at once: a steady storm without a SYN flood on loopback. */
    private static final int CONCURRENT = 32;
    private static final Duration STEP = Duration.ofSeconds(60);

    private final SshClient client = SshClient.setUpDefaultClient();
    private final List<ClientSession> sessions = new ArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();

    private ListenerFleet() {
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();
    }

    /** Logs {@code count} clients named {@code prefix0...} in with {@code key} and has each ask for port 22. */
    static ListenerFleet register(int port, Path key, String prefix, int count) throws Exception {
        ListenerFleet fleet = new ListenerFleet();
        KeyPair identity = new FileKeyPairProvider(key).loadKeys(null).iterator().next();
        Semaphore inFlight = new Semaphore(CONCURRENT);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            String name = prefix + i;
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    fleet.listen(name, port, identity);
                } finally {
                    inFlight.release();
                }
            }));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return fleet;
    }

    private void listen(String name, int port, KeyPair identity) {
        ClientSession session = null;
        try {
            session = MinaLogin.login(client, name, port, identity, STEP);
            session.startRemotePortForwarding(new SshdSocketAddress("localhost", 22),
                    new SshdSocketAddress("localhost", 9));
            synchronized (sessions) {
                sessions.add(session);
            }
        } catch (Exception e) {
            refused.incrementAndGet();
            if (session != null) {
                session.close(true);
            }
        }
    }

    /** Clients whose listener is in place. */
    int registered() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Clients the relay turned away, at login or at the forward. */
    int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        client.stop();
    }
}
