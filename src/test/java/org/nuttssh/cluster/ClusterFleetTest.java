package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nuttssh.admin.CircuitView;
import org.nuttssh.admin.ClientTraffic;
import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.FleetAnswer;
import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Sighting;
import org.nuttssh.testing.FakeNodeAdmin;
import org.nuttssh.testing.Records;

import io.vertx.core.Vertx;

/**
 * The operator commands' event-bus protocol between nodes. The nodes share one local Vert.x event bus here: the
 * addresses and messages are those a cluster uses, without the time and ports Hazelcast would take.
 */
class ClusterFleetTest {

    private static final long SECONDS = 20;

    private static final NodeId A = new NodeId("nodeA");
    private static final NodeId B = new NodeId("nodeB");
    private static final NodeId C = new NodeId("nodeC");
    /** These tests ask nothing of presence. */
    private static final Supplier<CompletionStage<List<Sighting>>> NO_OFFLINE =
            () -> CompletableFuture.completedFuture(List.of());

    private static final NodeSignatures UNSIGNED = NodeSignatures.unchecked();

    private final Vertx vertx = Vertx.vertx();
    private final ClusterView members = new ClusterView(A, List.of(A, B, C), 0, 0, 0, 0, false,
            ClusterView.Upkeep.NONE, java.util.Map.of());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
    }

    private static ListenerRecord client(String id, NodeId node) {
        return Records.listener(id, node, "gw1").build();
    }

    @Test
    void answersComeFromEveryNodeAndSilentNodesAreNamed() throws Exception {
        FakeNodeAdmin a = new FakeNodeAdmin(A);
        FakeNodeAdmin b = new FakeNodeAdmin(B);
        ClusterFleet fleetA = ClusterFleet.start(vertx, a, () -> members, UNSIGNED, NO_OFFLINE);
        ClusterFleet.start(vertx, b, () -> members, UNSIGNED, NO_OFFLINE);

        FleetAnswer<ClientTraffic> traffic = fleetA.traffic().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
        FleetAnswer<CircuitView> circuits = fleetA.circuits().toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);

        assertEquals(List.of(new ClientTraffic("nodeA-1", 2, 1000), new ClientTraffic("nodeB-1", 2, 1000)),
                traffic.items().stream().sorted(Comparator.comparing(ClientTraffic::clientId)).toList());
        assertEquals(List.of(C), traffic.silentNodes(), "nodeC has no relay answering");
        assertEquals(2, circuits.items().size());
        assertTrue(circuits.items().containsAll(List.of(a.circuits().get(0), b.circuits().get(0))),
                "circuits survive the trip as they were: " + circuits.items());
    }

    @Test
    void aKickReachesTheNodeHoldingTheClient() throws Exception {
        FakeNodeAdmin a = new FakeNodeAdmin(A);
        FakeNodeAdmin b = new FakeNodeAdmin(B);
        ClusterFleet fleetA = ClusterFleet.start(vertx, a, () -> members, UNSIGNED, NO_OFFLINE);
        ClusterFleet.start(vertx, b, () -> members, UNSIGNED, NO_OFFLINE);

        assertTrue(fleetA.kick(client("nodeB-7", B), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("nodeB-7 by root"), b.kicked());
        assertTrue(a.kicked().isEmpty());

        assertTrue(fleetA.kick(client("nodeA-3", A), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS), "a client on the asking node is kicked directly");
        assertFalse(fleetA.kick(client("gone-1", B), "root").toCompletableFuture()
                .get(SECONDS, TimeUnit.SECONDS), "a client that has left is reported as such");
    }

    @Test
    void aKickForANodeThatDoesNotAnswerFailsWithItsName() throws Exception {
        ClusterFleet fleetA = ClusterFleet.start(vertx, new FakeNodeAdmin(A), () -> members, UNSIGNED, NO_OFFLINE);

        Throwable failure = fleetA.kick(client("nodeC-1", C), "root").toCompletableFuture()
                .handle((kicked, error) -> error).get(SECONDS, TimeUnit.SECONDS);

        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        assertTrue(cause.getMessage().startsWith("node nodeC did not answer"), cause.getMessage());
    }
}
