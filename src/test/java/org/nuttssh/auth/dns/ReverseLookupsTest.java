package org.nuttssh.auth.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nuttssh.net.IpAddress;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LogCapture;

/**
 * The relay's own lookup threads, with a resolver whose answers for a hostile network (10.66.0.0/16 and
 * 2001:db8:66::/48, whose reverse zones it controls) never come, as a resolver that times out slowly behaves.
 */
class ReverseLookupsTest {

    /** Far longer than a lookup of a prompt resolver takes on however busy a machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ExecutorService threads = ReverseLookups.threads();
    private final SlowForSome resolver = new SlowForSome(Map.of("192.0.2.7", "gw.example.org",
            "198.51.100.9", "alice.example.org"));
    private final ReverseLookups lookups = new ReverseLookups(resolver, threads);

    /** Answers from a table at once, except for the hostile networks, whose answers wait for the test's end. */
    private static final class SlowForSome implements HostNameResolver {
        final Map<String, String> names;
        final List<String> asked = new CopyOnWriteArrayList<>();
        final CountDownLatch hostileAnswers = new CountDownLatch(1);

        SlowForSome(Map<String, String> names) {
            this.names = names;
        }

        @Override
        public Optional<String> verifiedName(IpAddress address) {
            asked.add(address.toString());
            String text = address.toString();
            if (text.startsWith("10.66.") || text.startsWith("2001:db8:66:")) {
                try {
                    hostileAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            }
            return Optional.ofNullable(names.get(text));
        }

        long askedAbout(String prefix) {
            return asked.stream().filter(a -> a.startsWith(prefix)).count();
        }
    }

    @AfterEach
    void stop() {
        resolver.hostileAnswers.countDown();
        threads.shutdownNow();
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow();
    }

    @Test
    void oneSourceCannotHoldUpTheLookupsOfOthers() {
        for (int i = 0; i < 300; i++) {
            lookups.start(ip("10.66.0.1")); // 300 connections from one address, say behind a NAT
        }
        for (int i = 1; i <= 100; i++) {
            lookups.start(ip("2001:db8:66:1::" + Integer.toHexString(i))); // one IPv6 /64, each from an address
        }

        assertEquals(HostName.of("gw.example.org"), lookups.start(ip("192.0.2.7")).await(WAIT));
        assertEquals(HostName.of("alice.example.org"), lookups.start(ip("198.51.100.9")).await(WAIT));
    }

    @Test
    void connectionsFromOneAddressShareItsLookupInFlight() {
        List<HostNameLookup> started = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            started.add(lookups.start(ip("10.66.0.1")));
        }
        Await.until("the lookup to start", () -> resolver.askedAbout("10.66.") == 1);
        Await.holds("no second lookup of the address", Duration.ofMillis(200),
                () -> resolver.askedAbout("10.66.") == 1);

        resolver.hostileAnswers.countDown();
        for (HostNameLookup lookup : started) {
            assertEquals(HostName.NONE, lookup.await(WAIT), "each connection gets the shared answer");
        }
        lookups.start(ip("10.66.0.1")).await(WAIT);
        assertEquals(2, resolver.askedAbout("10.66."), "a lookup once answered is not reused: names change");
    }

    @Test
    void aSourceWithItsLookupsUnderWayIsRefusedAtOnce() {
        lookups.start(ip("2001:db8:66:1::1"));
        lookups.start(ip("2001:db8:66:1::2"));
        Await.until("both lookups to start", () -> resolver.askedAbout("2001:db8:66:1:") == 2);

        try (LogCapture log = new LogCapture(HostNameLookup.class)) {
            HostNameLookup third = lookups.start(ip("2001:db8:66:1::3"));
            assertTrue(third.isDone(), "refused, not queued behind the slow ones");
            assertEquals(HostName.UNKNOWN, third.now());
            assertEquals(List.of("WARN reverse DNS of 2001:db8:66:1::3 was not made: 2 lookups from "
                    + "2001:db8:66:1::/64 are under way, the most one source may have; host-name patterns in "
                    + "from= do not admit it (a negated one refuses it)"), log.lines());
        }
        assertEquals(HostName.of("gw.example.org"), lookups.start(ip("192.0.2.7")).await(WAIT),
                "other sources are not refused");

        resolver.hostileAnswers.countDown();
        Await.until("the source's lookups to end", () -> lookups.start(ip("2001:db8:66:1::4")).await(WAIT)
                .equals(HostName.NONE));
    }

    @Test
    void whenEveryThreadWaitsALookupIsRefusedAtOnceRatherThanQueued() {
        for (int i = 1; i <= ReverseLookups.THREADS; i++) {
            lookups.start(ip("10.66.1." + i)); // as many hostile sources as there are threads
        }
        Await.until("every thread to wait", () -> resolver.askedAbout("10.66.") == ReverseLookups.THREADS);

        try (LogCapture log = new LogCapture(HostNameLookup.class)) {
            HostNameLookup refused = lookups.start(ip("192.0.2.7"));
            assertTrue(refused.isDone(), "the login is not delayed by a queue that cannot move");
            assertEquals(HostName.UNKNOWN, refused.now(), "fails closed");
            assertEquals(List.of("WARN reverse DNS of 192.0.2.7 was not made: all " + ReverseLookups.THREADS
                    + " lookup threads are waiting for answers; host-name patterns in from= do not admit it (a"
                    + " negated one refuses it)"), log.lines());
        }

        resolver.hostileAnswers.countDown();
        Await.until("a thread to be free again",
                () -> lookups.start(ip("192.0.2.7")).await(WAIT).equals(HostName.of("gw.example.org")));
    }
}
