package org.nuttssh.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.nuttssh.auth.dns.HostNameResolver;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.MinaLogin;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.auth.dns.HostNameResolver;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;

/**
 * The authenticator inside a real MINA server: MINA calls it twice per key (query, then signed request) and refuses
 * asynchronous answers for public keys, so this is where a wrong assumption about either would show.
 */
class KeyAuthenticatorServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ExecutorService dns = Executors.newCachedThreadPool();
    private SshServer server;
    private SshClient client;
    private KeyPair allowed;
    private KeyPair stranger;

    @BeforeEach
    void setUp() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        allowed = generator.generateKeyPair();
        stranger = generator.generateKeyPair();
        client = SshClient.setUpDefaultClient();
        client.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.stop();
        if (server != null) {
            server.stop(true);
        }
        dns.shutdownNow();
    }

    private void startServer(String options, HostNameResolver resolver) throws Exception {
        startServer(options, resolver, Duration.ofSeconds(5));
    }

    private void startServer(String options, HostNameResolver resolver, Duration hostNameWait) throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, options + " " + PublicKeyEntry.toString(allowed.getPublic()) + " laptop\n");
        KeyAuthenticator authenticator = new KeyAuthenticator(AuthorizedKeys.load(file), RevokedKeys.load(null), true,
                dns, resolver, hostNameWait);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host_key")));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setPublickeyAuthenticator(authenticator);
        server.addSessionListener(authenticator);
        server.start();
    }

    private ClientSession login(KeyPair identity) throws Exception {
        return MinaLogin.login(client, "alice", server.getPort(), identity, TIMEOUT);
    }

    @Test
    void listedKeyLogsInAndTheSessionKnowsItsLine() throws Exception {
        startServer("from=\"127.0.0.0/8\",access=\"listen\",hostname=\"laptop-1\"", address -> Optional.empty());
        try (ClientSession session = login(allowed)) {
            assertTrue(session.isAuthenticated());
            List<AbstractSession> sessions = server.getActiveSessions();
            assertEquals(1, sessions.size());
            AuthorizedKey key = sessions.get(0).getAttribute(KeyAuthenticator.AUTHORIZED_KEY);
            assertEquals("laptop-1", key.hostname());
            assertEquals("listen", key.describeAccess());
            assertEquals(1, key.line());
        }
    }

    /** One parsed key per authorized_keys line, not one per session: what an idle device's session keeps. */
    @Test
    void anAuthenticatedSessionKeepsItsLinesKeyAndNoCopyOfItsOwn() throws Exception {
        startServer("access=\"listen\"", address -> Optional.empty());
        try (ClientSession session = login(allowed)) {
            AbstractSession serverSide = server.getActiveSessions().get(0);
            // The server may tell the client before it has run its own listeners.
            Await.until("the server's session authenticated", serverSide::isAuthenticated);
            AuthorizedKey line = serverSide.getAttribute(KeyAuthenticator.AUTHORIZED_KEY);
            assertSame(line.key(), serverSide.getAttribute(KeyAuthenticator.PRESENTED_KEY));
            Await.until("MINA's copy of the key gone",
                    () -> serverSide.getAttribute(UserAuthPublicKey.AUTHENTICATED_KEYS) == null);
        }
    }

    @Test
    void unlistedKeyIsRefused() throws Exception {
        startServer("access=\"listen\"", address -> Optional.empty());
        assertThrows(SshException.class, () -> login(stranger).close());
    }

    @Test
    void hostNameFromDnsIsUsedWithoutAsynchronousAuthentication() throws Exception {
        Map<String, String> names = Map.of("127.0.0.1", "client.example.org");
        startServer("from=\"*.example.org\",access=\"initiate\"",
                address -> Optional.ofNullable(names.get(address.toString())));
        try (ClientSession session = login(allowed)) {
            assertTrue(session.isAuthenticated());
        }
    }

    @Test
    void aSlowLookupHoldsTheLoginUntilTheNameIsKnown() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        startServer("from=\"*.example.org\",access=\"initiate\"", address -> {
            asked.countDown();
            sleep(Duration.ofMillis(700)); // longer than key exchange and authentication on loopback take
            return Optional.of("client.example.org");
        });
        try (ClientSession session = login(allowed)) {
            assertTrue(session.isAuthenticated(), "the key was judged with the name, not before it");
        }
        assertEquals(0, asked.getCount());
    }

    @Test
    void aLookupSlowerThanTheWaitFailsClosed() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        startServer("from=\"*.example.org\",access=\"initiate\"", address -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of("client.example.org");
        }, Duration.ofMillis(200));
        assertThrows(SshException.class, () -> login(allowed).close());
        never.countDown();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void hostNameThatDoesNotMatchIsRefused() throws Exception {
        startServer("from=\"*.example.org\",access=\"initiate\"", address -> Optional.of("client.other.net"));
        assertThrows(SshException.class, () -> login(allowed).close());
    }
}
