package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.cluster.bus.RemoteEnd;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.FakeListener;
import org.nuttssh.testing.RecordingEnd;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
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

    private static final Duration TIMEOUT = Await.TIMEOUT;
    /** How long a negative check watches for a change that must not come; frames cross loopback in milliseconds. */
    private static final Duration HOLD = Duration.ofMillis(500);

    private final List<TestNode> nodes = new ArrayList<>();

    @BeforeAll
    void startCluster() throws Exception {
        String name = "nuttssh-test-" + UUID.randomUUID();
        ClusterConfig config = new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null, null,
                new ClusterConfig.Insecure());
        for (int i = 0; i < 3; i++) {
            nodes.add(TestNode.join(config));
        }
    }

    @AfterAll
    void stopCluster() {
        nodes.forEach(TestNode::close);
    }

    @Test
    @Order(1)
    void everyNodeOrdersSharedNamesNewestFirst(VertxTestContext test) throws Exception {
        TestNode a = nodes.get(0);
        TestNode b = nodes.get(1);
        TestNode c = nodes.get(2);
        a.switchboard().publish(a.record("on-a", "shared", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        b.switchboard().publish(b.record("on-b", "shared", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        c.switchboard().publish(c.record("on-c", "shared", 22), FakeListener.accepting())
                .toCompletableFuture().join();

        for (TestNode node : nodes) {
            Await.until("node " + node.node().id() + " to see all three", () -> node.resolve("shared", 2).isPresent());
            assertEquals(Optional.of("on-c"), node.resolve("shared", 0));
            assertEquals(Optional.of("on-b"), node.resolve("shared", 1));
            assertEquals(Optional.of("on-a"), node.resolve("shared", 2));
            assertEquals(List.of("shared", "shared~1", "shared~2"), node.connectNames());
        }

        b.switchboard().withdraw("on-b").toCompletableFuture().join();
        for (TestNode node : nodes) {
            Await.until("withdrawal seen on " + node.node().id(), () -> node.resolve("shared", 2).isEmpty());
            assertEquals(Optional.of("on-a"), node.resolve("shared", 1));
        }
        a.switchboard().withdraw("on-a").toCompletableFuture().join();
        c.switchboard().withdraw("on-c").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(2)
    void creditsHoldTheInitiatorBackPastWhatTheFarNodeGaveWhileTheFarReaderIsSlow(VertxTestContext test)
            throws Exception {
        TestNode a = nodes.get(0);
        TestNode b = nodes.get(1);
        FakeListener listener = FakeListener.slow();
        b.switchboard().publish(b.record("slow-b", "slow", 80), listener).toCompletableFuture().join();
        Await.until("registration on A", () -> a.resolve("slow", 0).isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "slow", 80, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();
        RecordingEnd target = listener.lastTarget();

        int limit = (int) RemoteEnd.INITIAL_CREDIT;
        String block = "x".repeat(limit);
        initiator.send("first");
        Await.until("first bytes on B", () -> target.received().equals("first"));
        Await.until("credit for bytes in flight", () -> initiator.released() == 5);
        initiator.send(block);
        initiator.send("third");
        Await.holds("B's reader has not taken the first write yet, and past the credit B gave the initiator's "
                + "window stays closed", HOLD, () -> target.received().equals("first") && initiator.released() == 5);

        target.completeOneWrite();
        Await.until("B to write the block", () -> target.heldWrites() > 0);
        Await.holds("while more waits on B, so small a credit stays there", HOLD, () -> initiator.released() == 5);
        target.completeOneWrite();
        Await.until("credit for the block and \"third\" once B's reader took the block",
                () -> initiator.released() == 10 + limit);
        // However the far node splits the rest into writes ("third" may share one with the block's tail), each is
        // held until its turn: complete them until every byte is taken.
        while (target.completedBytes() < 10 + limit) {
            Await.until("a write held on B", () -> target.heldWrites() > 0);
            target.completeOneWrite();
        }
        assertEquals("first" + block + "third", target.received());
        assertEquals(0, target.heldWrites());
        test.completeNow();
    }

    @Test
    @Order(3)
    void eofAndCloseCrossNodesAfterTheData(VertxTestContext test) throws Exception {
        TestNode a = nodes.get(0);
        TestNode c = nodes.get(2);
        FakeListener listener = FakeListener.accepting();
        c.switchboard().publish(c.record("echo-c", "echo", 22), listener).toCompletableFuture().join();
        Await.until("registration on A", () -> a.resolve("echo", 0).isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "echo", 22, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();
        RecordingEnd target = listener.lastTarget();
        Await.until("target attached", () -> target.circuit() != null);

        initiator.send("request");
        initiator.sendEof();
        Await.until("EOF after the request on C", () -> target.events().equals(List.of("data", "eof")));
        assertEquals("request", target.received());

        target.send("reply");
        target.closedByClient();
        Await.until("reply, EOF and close on A", () -> initiator.events().equals(List.of("data", "eof", "close")));
        assertEquals("reply", initiator.received());
        initiator.closedByClient();
        Await.until("circuit gone on A", () -> a.switchboard().openCircuits().stream()
                .noneMatch(open -> open.circuit() == circuit));
        Await.until("circuit gone on C", () -> c.switchboard().openCircuitCount() == 0);
        c.switchboard().withdraw("echo-c").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(4)
    void refusalOnTheFarNodeComesBackWithItsReason(VertxTestContext test) throws Exception {
        TestNode a = nodes.get(0);
        TestNode b = nodes.get(1);
        b.switchboard().publish(b.record("refuses-b", "refuses", 22),
                FakeListener.refusing("refuses:22: Connection refused")).toCompletableFuture().join();
        Await.until("registration on A", () -> a.resolve("refuses", 0).isPresent());

        Throwable failure = a.switchboard().connect(new RecordingEnd("initiator", false), RecordingEnd.WHO,
                "refuses", 22, "127.0.0.1", 5000).toCompletableFuture().handle((ok, error) -> error).join();

        CircuitRefusedException refusal = CircuitRefusedException.from(failure);
        assertEquals("refuses:22: Connection refused", refusal.getMessage());
        b.switchboard().withdraw("refuses-b").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(5)
    void aCircuitOpenNamingANodeThatIsNotAMemberIsRefused(VertxTestContext test) throws Exception {
        TestNode a = nodes.get(0);
        TestNode b = nodes.get(1);
        b.switchboard().publish(b.record("target-b", "target", 22), FakeListener.accepting()).toCompletableFuture()
                .join();
        // The wire form of an open, as any event-bus peer could send it, in the name of a node that is no member.
        JsonObject open = new JsonObject().put("circuit", UUID.randomUUID().toString()).put("node", "intruder")
                .put("listener", "target-b").put("port", 22).put("originHost", "127.0.0.1").put("originPort", 1)
                .put("initiator", "mallory");

        Throwable refused = a.node().vertx().eventBus().request("nuttssh.node." + b.node().id() + ".open", open)
                .toCompletionStage().toCompletableFuture().handle((reply, failure) -> failure)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertTrue(refused instanceof ReplyException reply && reply.getMessage().equals("node intruder is not a member"),
                String.valueOf(refused));
        b.switchboard().withdraw("target-b").toCompletableFuture().join();
        test.completeNow();
    }

    @Test
    @Order(6)
    void namesAndCircuitsOfADepartedNodeAreDroppedBySurvivors(VertxTestContext test) throws Exception {
        TestNode a = nodes.get(0);
        TestNode c = nodes.get(2);
        FakeListener listener = FakeListener.accepting();
        c.switchboard().publish(c.record("doomed-c", "doomed", 22), listener).toCompletableFuture().join();
        Await.until("registration on A", () -> a.resolve("doomed", 0).isPresent());
        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "doomed", 22, "127.0.0.1", 5000)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        circuit.initiatorReady();

        nodes.remove(c);
        c.crash();

        Await.until("name purged on A", () -> a.resolve("doomed", 0).isEmpty());
        Await.until("circuit into the dead node closed on A", () -> initiator.events().contains("close"));
        // Each survivor hears of the departure from Hazelcast on its own, tens of milliseconds apart.
        Await.until("name purged on B", () -> nodes.get(1).connectNames().stream().noneMatch(n ->
                ConnectName.parse(n).orElseThrow().name().equals("doomed")));
        test.completeNow();
    }
}
