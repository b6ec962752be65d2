package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.Limits;
import org.nuttssh.testing.FreePorts;

/**
 * Issue 30 across two nodes of this JVM: an initiator on node A opens many circuits over one SSH connection to a
 * service behind a listening client on node B that accepts and reads nothing, and fills them all at once. Neither
 * node holds more for them than its window budget allows (A for the initiator's windows, B for the credit it gives
 * A), both keep serving others, and once the service reads, every byte arrives.
 */
@Tag("slow")
class StalledCircuitsAcrossNodesTest {

    /**
     * Each node's max-memory. The nodes share this JVM's heap, which the memory guard of each reads: room enough that
     * neither sheds load because of the other and the test itself.
     */
    private static final long MAX_MEMORY = 512L << 20;
    private static final int CIRCUITS = 64;
    /**
     * More than the path beyond node A takes from one circuit before it backs up (the listening client's 2 MiB
     * window, the target's socket buffers, what B holds), plus A's own window: each circuit's far end stalls.
     */
    private static final long BYTES_EACH = 8L << 20;
    private static final Duration BACKED_UP = Duration.ofSeconds(2);
    /**
     * What the two nodes may hold, together, for the backed-up circuits (live heap after a full collection, over what
     * it was before): without a bound on windows and cross-node credit each circuit held 2 MiB on each node.
     */
    private static final long GROWTH_BOUND = 96L << 20;

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-stall");

    @Test
    void manyStalledCircuitsAcrossNodesHoldLittleAndOthersAreServed() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget held = b.target(null, TcpTarget.Mode.HELD);
        TcpTarget echo = b.target("carol", TcpTarget.Mode.ECHO);
        Limits limits = Limits.builder().maxMemory(MAX_MEMORY).build();
        a.configure(c -> c.limits(limits));
        b.configure(c -> c.limits(limits));
        cluster.start(List.of("access=\"initiate\" {alice}", "access=\"initiate\" {bob}"),
                List.of("access=\"listen\" {gw}", "access=\"listen\" {carol}", "access=\"initiate\" {bob}"));
        b.listener("gw", "gw-stall", "gw-stall", "9:localhost:" + held.port());
        RelayFixture.await("gw-stall known on A", () -> a.newestRecord("gw-stall").isPresent());
        int port = FreePorts.tcp();
        SshProcess alice = a.start(a.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + port + ":gw-stall:9", "relay-alice"));
        RelayFixture.await(alice, "the local forward", () -> CircuitsTest.canConnect(port));
        long before = NodeMemory.heapAfterGc();

        try (CircuitFlood flood = CircuitFlood.start(port, CIRCUITS, BYTES_EACH)) {
            flood.awaitBackedUp(BACKED_UP, RelayFixture.TIMEOUT);
            long growth = NodeMemory.heapAfterGc() - before;
            System.out.printf("%d circuits backed up across nodes (%d MiB taken): live heap grew %d MiB%n", CIRCUITS,
                    flood.written() >> 20, growth >> 20);

            OtherClients.whoami(a, "bob");
            OtherClients.whoami(b, "bob");
            OtherClients.newListenerIsReached(b, "carol", "carol", echo, a, "bob");
            assertTrue(growth <= GROWTH_BOUND, "live heap grew " + (growth >> 20) + " MiB with the circuits backed up");

            held.resume();
            flood.assertEveryByteArrived(RelayFixture.TIMEOUT.multipliedBy(2));
        }
    }
}
