package org.nuttssh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nuttssh.events.EventHub;
import org.nuttssh.events.RelayEvent;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;

import io.vertx.core.Vertx;

/**
 * Events between nodes, on one Vert.x event bus: a reader gets a member's signed batches, and nothing sent in the
 * name of a node that is not a member or not signed with that node's key.
 */
class SignedEventBatchesTest {

    private final Vertx vertx = Vertx.vertx();
    private final NodeId self = NodeId.random();
    private final NodeId peer = NodeId.random();
    private final EventHub hub = new EventHub(self);
    private final List<RelayEvent> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Signatures as each node's key would make them: {@code signer} stands for the key that signs. */
    private static NodeSignatures keyOf(NodeId signer) {
        return new NodeSignatures() {
            @Override
            public String sign(byte[] content) {
                return digest(signer, content);
            }

            @Override
            public boolean signedBy(NodeId node, byte[] content, String signature) {
                return digest(node, content).equals(signature);
            }

            @Override
            public boolean takesUnsigned() {
                return false;
            }
        };
    }

    private static String digest(NodeId key, byte[] content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A node on the bus, with its own hub, claiming to be {@code claimed} and signing with {@code key}'s key. */
    private EventHub node(NodeId claimed, NodeId key) {
        EventHub other = new EventHub(claimed);
        new ClusterEvents(vertx, claimed, () -> List.of(self, peer), keyOf(key), other);
        return other;
    }

    @Test
    void aReaderGetsOnlyWhatAMemberSignedInItsOwnName() throws Exception {
        new ClusterEvents(vertx, self, () -> List.of(self, peer), keyOf(self), hub);
        hub.subscribe(seen::add);
        EventHub stranger = node(NodeId.random(), NodeId.random());
        EventHub forger = node(peer, NodeId.random());
        EventHub member = node(peer, peer);
        Thread.sleep(100); // the consumers registered

        stranger.emit(RelayEvent.now(RelayEvent.CONNECTED, "from-a-stranger", stranger.node()));
        forger.emit(RelayEvent.now(RelayEvent.CONNECTED, "forged", forger.node()));
        member.emit(RelayEvent.now(RelayEvent.CONNECTED, "gw1", member.node()));
        Await.until("the member's event", () -> !seen.isEmpty());
        // The others were sent in the same send interval: had they been taken, they would be here by the next.
        Thread.sleep(2 * ClusterEvents.SEND_INTERVAL.toMillis());
        assertEquals(List.of("gw1"), seen.stream().map(RelayEvent::name).toList());
        assertEquals(peer.shortId(), seen.get(0).node());

        hub.emit(RelayEvent.now(RelayEvent.CONNECTED, "here", hub.node()));
        Thread.sleep(2 * ClusterEvents.SEND_INTERVAL.toMillis());
        assertEquals(List.of("gw1", "here"), seen.stream().map(RelayEvent::name).toList(),
                "this node's own events reach its readers once, directly");
    }
}
