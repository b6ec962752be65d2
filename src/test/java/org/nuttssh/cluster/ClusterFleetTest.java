package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nuttssh.admin.CircuitView;
import org.nuttssh.admin.ClientTraffic;
import org.nuttssh.admin.FleetAnswer;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.registry.ListenerRecord;

import io.vertx.core.Vertx;

/**
 * The operator commands' event-bus protocol between nodes. The nodes share one local Vert.x event bus here: the
 * addresses and messages are those a cluster uses, without the time and ports Hazelcast would take.
 */
class ClusterFleetTest {

    private static final long SECONDS = 20;

    private final Vertx vertx = Vertx.vertx();
    private final Set<String> members = Set.of("nodeA", "nodeB", "nodeC");

    /** A node's clients as fixed answers; records who was kicked. */
    static final class FakeNode implements NodeAdmin {
        final String id;
        final List<String> kicked = new ArrayList<>();

        FakeNode(String id) {
            this.id = id;
        }

        @Override
        public String node() {
            return id;
        }

        @Override
        public List<ClientTraffic> traffic() {
            return List.of(new ClientTraffic(id + "-1", 2, 1000));
        }

        @Override
        public List<CircuitView> circuits() {
            return List.of(new CircuitView("alice@10.0.0.1:5000", "gw1:22", Instant.ofEpochSecond(1_700_000_000),
                    12, 34, id, "nodeB"));
        }

        @Override
        public synchronized boolean kick(String clientId, String by) {
            kicked.add(clientId + " by " + by);
            return clientId.startsWith(id);
        }
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
    }

    private static ListenerRecord client(String id, String node) {
        return new ListenerRecord(id, node, "gw1", List.of(), new TreeMap<>(), "10.0.0.9:4000", Instant.now(), 1);
    }

    @Test
    void answersComeFromEveryNodeAndSilentNodesAreNamed() throws Exception {
        FakeNode a = new FakeNode("nodeA");
        FakeNode b = new FakeNode("nodeB");
        ClusterFleet fleetA = ClusterFleet.start(vertx.eventBus(), a, () -> members);
        ClusterFleet.start(vertx.eventBus(), b, () -> members);

        FleetAnswer<ClientTraffic> traffic = fleetA.traffic().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
        FleetAnswer<CircuitView> circuits = fleetA.circuits().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);

        assertEquals(List.of(new ClientTraffic("nodeA-1", 2, 1000), new ClientTraffic("nodeB-1", 2, 1000)),
                traffic.items().stream().sorted(Comparator.comparing(ClientTraffic::clientId)).toList());
        assertEquals(List.of("nodeC"), traffic.silentNodes(), "nodeC has no relay answering");
        assertEquals(2, circuits.items().size());
        assertTrue(circuits.items().containsAll(List.of(a.circuits().get(0), b.circuits().get(0))),
                "circuits survive the trip as they were: " + circuits.items());
    }

    @Test
    void aKickReachesTheNodeHoldingTheClient() throws Exception {
        FakeNode a = new FakeNode("nodeA");
        FakeNode b = new FakeNode("nodeB");
        ClusterFleet fleetA = ClusterFleet.start(vertx.eventBus(), a, () -> members);
        ClusterFleet.start(vertx.eventBus(), b, () -> members);

        assertTrue(fleetA.kick(client("nodeB-7", "nodeB"), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("nodeB-7 by root"), b.kicked);
        assertTrue(a.kicked.isEmpty());

        assertTrue(fleetA.kick(client("nodeA-3", "nodeA"), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS), "a client on the asking node is kicked directly");
        assertFalse(fleetA.kick(client("gone-1", "nodeB"), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS), "a client that has left is reported as such");
    }

    @Test
    void aKickForANodeThatDoesNotAnswerFailsWithItsName() throws Exception {
        ClusterFleet fleetA = ClusterFleet.start(vertx.eventBus(), new FakeNode("nodeA"), () -> members);

        Throwable failure = fleetA.kick(client("nodeC-1", "nodeC"), "root").toCompletableFuture()
                .handle((kicked, error) -> error).get(SECONDS, TimeUnit.SECONDS);

        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        assertTrue(cause.getMessage().startsWith("node nodeC did not answer"), cause.getMessage());
    }
}
