package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.ListeningClient;
import org.nuttssh.circuit.RemoteEnd;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;

import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;

/**
 * Three clustered nodes in one JVM (own cluster name, loopback): the shared registry and cross-node circuits over
 * the real event bus, with stand-in ends where SSH channels would be. The last test kills a node.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<Node> nodes = new ArrayList<>();

    /** One relay node without SSH: its cluster membership, registry and switchboard. */
    record Node(Cluster cluster, Switchboard switchboard, ScheduledExecutorService scheduler) {
        String id() {
            return cluster.nodeId();
        }

        Optional<String> resolve(String name, int index) {
            return switchboard.registry().resolve(name, index).toCompletableFuture().join().map(ListenerRecord::id);
        }

        List<String> connectNames() {
            return switchboard.registry().list().toCompletableFuture().join().stream()
                    .map(Listing::connectName).toList();
        }
    }

    /** A listening client whose circuits end in a {@link RecordingEnd}. */
    static final class FakeListener implements ListeningClient {
        final List<RecordingEnd> targets = new ArrayList<>();
        final boolean slow;
        final String refusal;

        FakeListener(boolean slow, String refusal) {
            this.slow = slow;
            this.refusal = refusal;
        }

        @Override
        public synchronized CompletionStage<CircuitEnd> openTarget(int port, String originHost, int originPort) {
            if (refusal != null) {
                return CompletableFuture.failedFuture(CircuitRefusedException.connectFailed(refusal));
            }
            RecordingEnd end = new RecordingEnd("target", slow);
            targets.add(end);
            return CompletableFuture.completedFuture(end);
        }

        synchronized RecordingEnd lastTarget() {
            return targets.get(targets.size() - 1);
        }
    }

    @BeforeAll
    void startCluster() throws Exception {
        String name = "nuttssh-test-" + UUID.randomUUID();
        ClusterConfig config = new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null, null);
        for (int i = 0; i < 3; i++) {
            Cluster cluster = Cluster.join(config);
            Switchboard switchboard = new Switchboard(cluster.registry(), cluster.nodeId());
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            cluster.serve(switchboard, scheduler);
            nodes.add(new Node(cluster, switchboard, scheduler));
        }
    }

    @AfterAll
    void stopCluster() {
        for (Node node : nodes) {
            node.scheduler().shutdownNow();
            node.cluster().close();
        }
    }

    private static ListenerRecord record(Node node, String id, String hostname, int port) {
        TreeMap<Integer, String> ports = new TreeMap<>();
        ports.put(port, "localhost");
        return new ListenerRecord(id, node.id(), hostname, List.of(), ports, "127.0.0.1:" + port, Instant.now(), 0);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Test
    @Order(1)
    void everyNodeOrdersSharedNamesNewestFirst(VertxTestContext test) throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        a.switchboard().publish(record(a, "on-a", "shared", 22), new FakeListener(false, null))
                .toCompletableFuture().join();
        b.switchboard().publish(record(b, "on-b", "shared", 22), new FakeListener(false, null))
                .toCompletableFuture().join();
        c.switchboard().publish(record(c, "on-c", "shared", 22), new FakeListener(false, null))
                .toCompletableFuture().join();

        for (Node node : nodes) {
            await("node " + node.id() + " to see all three", () -> node.resolve("shared", 2).isPresent());
            assertEquals(Optional.of("on-c"), node.resolve("shared", 0));
            assertEquals(Optional.of("on-b"), node.resolve("shared", 1));
            assertEquals(Optional.of("on-a"), node.resolve("shared", 2));
            assertEquals(List.of("shared", "shared~1", "shared~2"), node.connectNames());
        }

        b.switchboard().withdraw("on-b").toCompletableFuture().join();
        for (Node node : nodes) {
            await("withdrawal seen on " + node.id(), () -> node.resolve("shared", 2).isEmpty());
            assertEquals(Optional.of("on-a"), node.resolve("shared", 1));
        }
        a.switchboard().withdraw("on-a").toCompletableFuture().join();
        c.switchboard().withdraw("on-c").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(2)
    void creditsHoldTheInitiatorBackPastTheInFlightLimitWhileTheFarReaderIsSlow(VertxTestContext test) throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        FakeListener listener = new FakeListener(true, null);
        b.switchboard().publish(record(b, "slow-b", "slow", 80), listener).toCompletableFuture().join();
        await("registration on A", () -> a.resolve("slow", 0).isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "slow", 80, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();
        RecordingEnd target = listener.lastTarget();

        int limit = (int) RemoteEnd.IN_FLIGHT_LIMIT;
        String block = "x".repeat(limit);
        initiator.send("first");
        await("first bytes on B", () -> target.received().equals("first"));
        await("credit for bytes in flight", () -> initiator.released() == 5);
        initiator.send(block);
        initiator.send("third");
        TimeUnit.MILLISECONDS.sleep(300);
        assertEquals("first", target.received(), "B's reader has not taken the first write yet");
        assertEquals(5, initiator.released(), "past the in-flight limit, the initiator's window stays closed");

        target.completeOneWrite();
        TimeUnit.MILLISECONDS.sleep(300);
        assertEquals(5, initiator.released(), "while more waits on B, so small a credit stays there");
        while (target.completedBytes() < RemoteEnd.ACK_BATCH) {
            await("a write held on B", () -> target.heldWrites() > 0);
            target.completeOneWrite();
        }
        await("credit for the block and \"third\" once a batch of credit is back",
                () -> initiator.released() == 10 + limit);
        while (!target.received().endsWith("xthird")) {
            await("a write held on B", () -> target.heldWrites() > 0);
            target.completeOneWrite();
        }
        assertEquals(10 + limit, target.received().length());
        target.completeOneWrite();
        assertEquals(0, target.heldWrites());
        test.completeNow();
    }

    @Test
    @Order(3)
    void eofAndCloseCrossNodesAfterTheData(VertxTestContext test) throws Exception {
        Node a = nodes.get(0);
        Node c = nodes.get(2);
        FakeListener listener = new FakeListener(false, null);
        c.switchboard().publish(record(c, "echo-c", "echo", 22), listener).toCompletableFuture().join();
        await("registration on A", () -> a.resolve("echo", 0).isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "echo", 22, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();
        RecordingEnd target = listener.lastTarget();
        await("target attached", () -> target.circuit() != null);

        initiator.send("request");
        initiator.sendEof();
        await("EOF after the request on C", () -> target.events().equals(List.of("data", "eof")));
        assertEquals("request", target.received());

        target.send("reply");
        target.closedByClient();
        await("reply, EOF and close on A", () -> initiator.events().equals(List.of("data", "eof", "close")));
        assertEquals("reply", initiator.received());
        initiator.closedByClient();
        await("circuit gone on A", () -> !a.switchboard().circuits().contains(circuit));
        await("circuit gone on C", () -> c.switchboard().circuits().isEmpty());
        c.switchboard().withdraw("echo-c").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(4)
    void refusalOnTheFarNodeComesBackWithItsReason(VertxTestContext test) throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        b.switchboard().publish(record(b, "refuses-b", "refuses", 22),
                new FakeListener(false, "refuses:22: Connection refused")).toCompletableFuture().join();
        await("registration on A", () -> a.resolve("refuses", 0).isPresent());

        Throwable failure = a.switchboard().connect(new RecordingEnd("initiator", false), RecordingEnd.WHO,
                "refuses", 22, "127.0.0.1", 5000).toCompletableFuture().handle((ok, error) -> error).join();

        CircuitRefusedException refusal = Switchboard.asRefusal(failure);
        assertEquals("refuses:22: Connection refused", refusal.getMessage());
        b.switchboard().withdraw("refuses-b").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(5)
    void namesAndCircuitsOfADepartedNodeAreDroppedBySurvivors(VertxTestContext test) throws Exception {
        Node a = nodes.get(0);
        Node c = nodes.get(2);
        FakeListener listener = new FakeListener(false, null);
        c.switchboard().publish(record(c, "doomed-c", "doomed", 22), listener).toCompletableFuture().join();
        await("registration on A", () -> a.resolve("doomed", 0).isPresent());
        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "doomed", 22, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();

        nodes.remove(c);
        c.scheduler().shutdownNow();
        c.cluster().node().hazelcast().getLifecycleService().terminate(); // a crash: no goodbye to the others
        c.cluster().node().vertx().close();

        await("name purged on A", () -> a.resolve("doomed", 0).isEmpty());
        await("circuit into the dead node closed on A", () -> initiator.events().contains("close"));
        assertTrue(nodes.get(1).connectNames().stream().noneMatch(n -> ConnectName.parse(n).orElseThrow()
                .name().equals("doomed")));
        test.completeNow();
    }
}
