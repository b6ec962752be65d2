package org.nuttssh.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nuttssh.auth.dns.HostNameLookup;
import org.nuttssh.auth.dns.HostNameResolver;
import org.nuttssh.auth.dns.ReverseDns;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.net.IpAddress;
import org.nuttssh.proxy.ClientAddress;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.FakeSession;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.TestKeys;

class KeyAuthenticatorTest {
    @TempDir
    Path dir;

    private final ExecutorService dns = Executors.newCachedThreadPool();

    /** Far longer than any call that does not wait for DNS could take, on however busy a machine. */
    private static final Duration LOOKUP_WAIT = Duration.ofSeconds(30);

    /** Answers from a fixed table and records which addresses were asked about. */
    private static final class TableResolver implements HostNameResolver {
        final Map<String, String> names;
        final List<String> asked = new CopyOnWriteArrayList<>();
        final CountDownLatch release;

        TableResolver(Map<String, String> names, CountDownLatch release) {
            this.names = names;
            this.release = release;
        }

        @Override
        public Optional<String> verifiedName(IpAddress address) {
            asked.add(address.toString());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.ofNullable(names.get(address.toString()));
        }
    }

    private static TableResolver resolver(Map<String, String> names) {
        return new TableResolver(names, new CountDownLatch(0));
    }

    @AfterEach
    void stopDns() {
        dns.shutdownNow();
    }

    private AuthorizedKeys keys(String text) throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, text);
        return AuthorizedKeys.load(file);
    }

    /** Lookups run on the calling thread here, so a name is known by the time a key is checked. */
    private KeyAuthenticator authenticator(String text, boolean useDns, HostNameResolver resolver) throws Exception {
        return new KeyAuthenticator(keys(text), RevokedKeys.load(null), useDns, Runnable::run, resolver,
                Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0} -> line {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.1.2.3        | 1
            192.168.7.7     | 2
            2001:db8::42    | 3
            172.16.0.1      | 0
            """)
    void firstLineWhoseFromMatchesWins(String client, int expectedLine) throws Exception {
        String ed = TestKeys.line("ed25519");
        KeyAuthenticator auth = authenticator("from=\"10.0.0.0/8\",access=\"listen\" " + ed + "\n"
                + "from=\"192.168.0.0/16,10.0.0.0/8\",access=\"initiate\" " + ed + "\n"
                + "from=\"2001:db8::/32\",access=\"listen\",access=\"initiate\" " + ed + "\n",
                false, resolver(Map.of()));
        ServerSession session = FakeSession.from(client, 40000);
        boolean accepted = auth.authenticate("alice", TestKeys.key("ed25519"), session);
        assertEquals(expectedLine != 0, accepted);
        AuthorizedKey chosen = session.getAttribute(KeyAuthenticator.AUTHORIZED_KEY);
        assertEquals(expectedLine == 0 ? null : expectedLine, chosen == null ? null : chosen.line());
    }

    @Test
    void refusalsAreLoggedWithTheReason() throws Exception {
        KeyAuthenticator auth = authenticator("from=\"10.0.0.0/8\",access=\"listen\" " + TestKeys.line("ed25519")
                + "\nfrom=\"10.0.0.0/8\" " + TestKeys.line("ed25519") + "\n", false, resolver(Map.of()));
        Path file = dir.resolve("authorized_keys");
        try (LogCapture log = new LogCapture(KeyAuthenticator.class)) {
            assertFalse(auth.authenticate("bob", TestKeys.key("rsa"), FakeSession.from("10.0.0.5", 1)));
            assertFalse(auth.authenticate("bob", TestKeys.key("ed25519"), FakeSession.from("192.0.2.1", 1)));
            assertEquals(List.of(
                    "INFO auth refused: key " + KeyUtils.getFingerPrint(TestKeys.key("rsa"))
                            + " user 'bob' from 10.0.0.5: key not in " + file,
                    "INFO auth refused: key " + KeyUtils.getFingerPrint(TestKeys.key("ed25519"))
                            + " user 'bob' from 192.0.2.1: from= " + file + ":1, " + file
                            + ":2 do not match 192.0.2.1"),
                    log.lines());
        }
    }

    @Test
    void refusalClearsAnEarlierAcceptedKey() throws Exception {
        KeyAuthenticator auth = authenticator("access=\"listen\" " + TestKeys.line("ed25519") + "\n", false,
                resolver(Map.of()));
        ServerSession session = FakeSession.from("10.0.0.5", 1);
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), session));
        assertFalse(auth.authenticate("a", TestKeys.key("rsa"), session));
        assertNull(session.getAttribute(KeyAuthenticator.AUTHORIZED_KEY));
    }

    @Test
    void overriddenClientAddressIsUsed() throws Exception {
        KeyAuthenticator auth = authenticator("from=\"203.0.113.0/24\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", false, resolver(Map.of()));
        ServerSession session = FakeSession.from("10.0.0.5", 1);
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), session));
        session.setAttribute(ClientAddress.OVERRIDE, new InetSocketAddress(
                IpAddress.parse("203.0.113.9").orElseThrow().toInetAddress(), 5555));
        assertEquals(5555, ClientAddress.of(session).getPort());
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), session));
    }

    @Test
    void withoutUseDnsNameGlobsSeeOnlyTheAddress() throws Exception {
        TableResolver names = resolver(Map.of("10.0.0.5", "host.example.org"));
        KeyAuthenticator auth = authenticator("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", false, names);
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.5", 1)));
        assertEquals(List.of(), names.asked);
    }

    @Test
    void noLookupWhenNoCandidateLineNeedsAName() throws Exception {
        TableResolver names = resolver(Map.of("10.0.0.5", "host.example.org"));
        KeyAuthenticator auth = authenticator("from=\"10.0.0.0/8\",access=\"listen\" " + TestKeys.line("ed25519")
                + "\nfrom=\"*.example.org\" " + TestKeys.line("rsa") + "\n", true, names);
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.5", 1)));
        assertEquals(List.of(), names.asked);
    }

    @Test
    void useDnsMatchesVerifiedNameAndLooksUpOncePerSession() throws Exception {
        TableResolver names = resolver(Map.of("10.0.0.5", "host.example.org"));
        KeyAuthenticator auth = authenticator("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", true, names);
        ServerSession session = FakeSession.from("10.0.0.5", 1);
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), session));
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), session)); // the signed attempt after the query
        assertEquals(List.of("10.0.0.5"), names.asked);
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.6", 1)));
    }

    @Test
    void negatedNameVetoesWhenTheNameIsKnown() throws Exception {
        TableResolver names = resolver(Map.of("10.0.0.5", "evil.bad.org", "10.0.0.6", "ok.good.org"));
        KeyAuthenticator auth = authenticator("from=\"!*.bad.org,10.0.0.0/8\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", true, names);
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.5", 1)));
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.6", 1)));
    }

    @Test
    void earlyLookupStartsWhenTheClientIdentifies() throws Exception {
        TableResolver names = resolver(Map.of("10.0.0.5", "host.example.org", "198.51.100.7", "real.example.org"));
        KeyAuthenticator auth = authenticator("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", true, names);
        ServerSession session = FakeSession.from("10.0.0.5", 1);
        auth.sessionPeerIdentificationReceived(session, "SSH-2.0-test", List.of());
        assertEquals(List.of("10.0.0.5"), waitForAsked(names, 1));

        // A PROXY header can change the client address after the early lookup started.
        session.setAttribute(ClientAddress.OVERRIDE, new InetSocketAddress(
                IpAddress.parse("198.51.100.7").orElseThrow().toInetAddress(), 1));
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), session));
        assertEquals(List.of("10.0.0.5", "198.51.100.7"), names.asked);
    }

    @Test
    void noEarlyLookupWithoutUseDns() throws Exception {
        TableResolver names = resolver(Map.of());
        KeyAuthenticator auth = authenticator("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n", false, names);
        auth.sessionPeerIdentificationReceived(FakeSession.from("10.0.0.5", 1), "SSH-2.0-test", List.of());
        Await.holds("no lookup", Duration.ofMillis(100), names.asked::isEmpty);
    }

    @Test
    void aNameStillBeingLookedUpIsNotWaitedForAndFailsClosed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TableResolver names = new TableResolver(Map.of("10.0.0.5", "host.example.org"), release);
        KeyAuthenticator auth = new KeyAuthenticator(keys("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n" + "from=\"!*.bad.org,10.0.0.0/8\",access=\"initiate\" "
                + TestKeys.line("rsa") + "\n"), RevokedKeys.load(null), true, dns, names, LOOKUP_WAIT);
        ServerSession session = FakeSession.from("10.0.0.5", 1);

        long start = System.nanoTime();
        try (LogCapture log = new LogCapture(HostNameLookup.class)) {
            assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), session), "a name glob needs the name");
            assertFalse(auth.authenticate("a", TestKeys.key("rsa"), session), "a negated name glob refuses");
            assertEquals(List.of("WARN reverse DNS of 10.0.0.5 is still under way; host-name patterns in from= do"
                    + " not admit it (a negated one refuses it)"), log.lines(), "reported once per session");
        }
        assertTrue(System.nanoTime() - start < LOOKUP_WAIT.toNanos() / 3, "waited for DNS");
        assertEquals(1, release.getCount(), "the lookup was still under way");

        release.countDown();
        Await.until("the late answer to be used", () -> auth.authenticate("a", TestKeys.key("ed25519"), session));
        assertEquals(1, session.getAttribute(KeyAuthenticator.AUTHORIZED_KEY).line());
        assertTrue(auth.authenticate("a", TestKeys.key("rsa"), session), "host.example.org is not *.bad.org");
    }

    @Test
    void aRecheckAfterAReloadWaitsForTheName() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TableResolver names = new TableResolver(Map.of("10.0.0.5", "host.example.org"), release);
        KeyAuthenticator auth = new KeyAuthenticator(keys("from=\"*.example.org\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\n"), RevokedKeys.load(null), true, dns, names, LOOKUP_WAIT);
        ServerSession session = FakeSession.from("10.0.0.5", 1);
        auth.sessionPeerIdentificationReceived(session, "SSH-2.0-test", List.of());
        waitForAsked(names, 1);

        dns.execute(release::countDown); // answers while admits() waits, on a thread of its own

        assertEquals(1, auth.admits(session, TestKeys.key("ed25519")).line().line());
    }

    @Test
    void aLookupTheFullQueueRefusesLeavesTheNameUnknown() throws Exception {
        KeyAuthenticator auth = new KeyAuthenticator(keys("from=\"*.example.org,10.0.0.5\",access=\"listen\" "
                + TestKeys.line("ed25519") + "\nfrom=\"!*.bad.org,10.0.0.0/8\",access=\"listen\" "
                + TestKeys.line("rsa") + "\n"), RevokedKeys.load(null), true, task -> {
                    throw new RejectedExecutionException("queue full");
                }, resolver(Map.of()), Duration.ofSeconds(5));
        assertTrue(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.5", 1)),
                "the address matches");
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.6", 1)));
        assertFalse(auth.authenticate("a", TestKeys.key("rsa"), FakeSession.from("10.0.0.6", 1)),
                "the veto holds for a name never looked up");
    }

    @Test
    void reverseDnsConfirmsLocalhost() {
        Optional<String> name = new ReverseDns().verifiedName(IpAddress.parse("127.0.0.1").orElseThrow());
        assertEquals(Optional.of("localhost"), name);
    }

    private static List<String> waitForAsked(TableResolver names, int count) {
        Await.until(count + " lookups", () -> names.asked.size() >= count);
        return List.copyOf(names.asked);
    }

    @Test
    void keysFileReloadIsSeenByTheAuthenticator() throws Exception {
        AuthorizedKeys keys = keys("access=\"listen\" " + TestKeys.line("ed25519") + "\n");
        KeyAuthenticator auth = new KeyAuthenticator(keys, RevokedKeys.load(null), false, null);
        assertFalse(auth.authenticate("a", TestKeys.key("rsa"), FakeSession.from("10.0.0.5", 1)));
        Files.writeString(keys.file(), "access=\"initiate\" " + TestKeys.line("rsa") + "\n");
        assertTrue(keys.reloadIfChanged());
        assertTrue(auth.authenticate("a", TestKeys.key("rsa"), FakeSession.from("10.0.0.5", 1)));
        assertFalse(auth.authenticate("a", TestKeys.key("ed25519"), FakeSession.from("10.0.0.5", 1)));
    }
}
