package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.testing.FreePorts;

/**
 * Issue 30: one initiator opens many circuits over one SSH connection ({@code ssh -N -L}, a TCP connection each) to
 * a service that accepts and reads nothing, and fills them all at once. The relay, in a JVM of its own as an
 * operator runs it with {@code --max-memory 64m}, holds no more for them than its window budget allows: it neither
 * runs out of memory nor stops serving others (another client logs in, a new listener registers and is reached),
 * and once the service reads, every byte arrives.
 */
@Tag("slow")
class StalledCircuitsTest {

    private static final String MAX_MEMORY = "64m";
    private static final int CIRCUITS = 64;
    /**
     * More than the path beyond the relay takes from one circuit before it backs up (the listening client's 2 MiB
     * window, the target's socket buffers), plus the relay's own window: each circuit's far end stalls.
     */
    private static final long BYTES_EACH = 6L << 20;
    /** No circuit took a byte for this long: everything the path can hold is in it. */
    private static final Duration BACKED_UP = Duration.ofSeconds(2);
    /**
     * Live heap while the circuits are backed up: below the first shedding mark (75 % of max-memory), so the relay
     * turns nobody away. Without a bound on windows, 64 circuits would hold 128 MiB.
     */
    private static final long HEAP_BOUND = 48L << 20;
    /** The relay's JVM: max-memory plus what the JVM itself needs (README, "Memory": about 100 MB), with room. */
    private static final long RSS_BOUND = (64L + 128) << 20;

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void manyStalledCircuitsOfOneClientHoldLittleAndOthersAreServed() throws Exception {
        TcpTarget held = relay.target(null, TcpTarget.Mode.HELD);
        TcpTarget echo = relay.target("carol", TcpTarget.Mode.ECHO);
        RelayProcess process = relay.startProcess(List.of("--max-memory", MAX_MEMORY, "--metrics-port", "0",
                "--metrics-bind", "127.0.0.1"), "access=\"listen\" {gw}",
                "access=\"listen\" {carol}", "access=\"initiate\" {alice}", "access=\"initiate\" {bob}");
        long jvm = process.handle().children().findFirst().orElseThrow().pid();
        int metrics = process.metricsPort(RelayFixture.TIMEOUT);
        relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "9:localhost:" + held.port(),
                "-l", "gw-stall", "relay-gw"));
        int port = FreePorts.tcp();
        SshProcess alice = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + port + ":gw-stall:9", "relay-alice"));
        RelayFixture.await(alice, "the local forward", () -> CircuitsTest.canConnect(port));

        try (CircuitFlood flood = CircuitFlood.start(port, CIRCUITS, BYTES_EACH)) {
            flood.awaitBackedUp(BACKED_UP, RelayFixture.TIMEOUT);
            assertNobodyTurnedAway(process); // a circuit refused at its open is reset, which would hide why
            long heap = NodeMemory.heapAfterGc(jvm);
            long rss = NodeMemory.rss(jvm);
            MetricsScrape scrape = MetricsScrape.of(metrics);
            long granted = (long) scrape.value("nuttssh_windows_granted_bytes");
            long budget = (long) scrape.value("nuttssh_windows_budget_bytes");
            System.out.printf("%d circuits backed up (%d MiB taken): heap after GC %d MiB, RSS %d MiB, windows %d KiB "
                    + "(budget %d KiB)%n", CIRCUITS, flood.written() >> 20, heap >> 20, rss >> 20, granted >> 10,
                    budget >> 10);
            // Two windows a circuit, the initiator's channel and the listening client's, each at least its floor.
            assertTrue(granted <= budget + 2 * CIRCUITS * WindowBudget.MIN_WINDOW, "windows granted: " + granted);

            OtherClients.whoami(relay, "bob");
            OtherClients.newListenerIsReached(relay, "carol", "carol", echo, relay, "bob");
            assertTrue(heap <= HEAP_BOUND, "live heap " + (heap >> 20) + " MiB with the circuits backed up");
            assertTrue(rss <= RSS_BOUND, "RSS " + (rss >> 20) + " MiB with the circuits backed up");

            held.resume();
            flood.assertEveryByteArrived(RelayFixture.TIMEOUT.multipliedBy(2));
        }
        assertTrue(process.isAlive());
        assertFalse(process.logText().contains("OutOfMemoryError"), process.logText());
        assertNobodyTurnedAway(process);
    }

    /**
     * The relay's memory guard never started refusing: the live heap stays below its first mark throughout, however
     * much garbage the circuits' bytes leave between two markings of the heap.
     */
    private static void assertNobodyTurnedAway(RelayProcess process) {
        String log = process.logText();
        assertFalse(log.contains("near its memory bound"), "the relay shed load with the heap far from its bound:\n"
                + log);
    }
}
