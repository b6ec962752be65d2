package org.nuttssh.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Binds an operator request ({@code kick}, {@code circuits}, {@code traffic}) to the node that sends it: the asking
 * node signs it with the key of its certificate, for the node it asks, and the asked node takes it only from a member
 * node whose certificate checks the signature. Mutual TLS alone lets any holder of a node certificate ask, and kick.
 * The signature and the asking node are two more fields of the request, which a node of the release before ignores;
 * its own unsigned requests are taken while such a node is a member ({@link NodeSignatures#takesUnsigned}).
 */
final class OperatorRequests {

    static final String NODE = "node";
    static final String SIGNATURE = "signature";
    /** What a request's signature covers before its fields: a signature for nothing else. */
    private static final String SIGNED = "nuttssh operator request v1";

    private static final Logger log = LoggerFactory.getLogger(OperatorRequests.class);

    private final Vertx vertx;
    private final NodeId self;
    private final NodeSignatures signatures;
    private final Supplier<List<NodeId>> members;
    private final AtomicLong refused = new AtomicLong();

    /** @param members the relay nodes that are members now: only they may ask */
    OperatorRequests(Vertx vertx, NodeId self, NodeSignatures signatures, Supplier<List<NodeId>> members) {
        this.vertx = vertx;
        this.self = self;
        this.signatures = signatures;
        this.members = members;
    }

    /** {@code request} for {@code target}, signed by this node; on a worker thread, as a signature takes a while. */
    Future<JsonObject> sign(JsonObject request, NodeId target) {
        JsonObject signed = request.copy().put(NODE, self.value());
        return vertx.executeBlocking(() -> signed.put(SIGNATURE, signatures.sign(content(signed, target))), false);
    }

    /** Whether {@code request} comes from a member node; counts and logs it if not. */
    Future<Boolean> check(JsonObject request) {
        String signature = request.getString(SIGNATURE);
        String node = request.getString(NODE);
        if (signature == null || node == null || node.isEmpty()) {
            return Future.succeededFuture(signatures.takesUnsigned() || refused("it is not signed"));
        }
        NodeId peer = new NodeId(node);
        if (!members.get().contains(peer)) {
            return Future.succeededFuture(refused("node " + peer.shortId() + " is not a member"));
        }
        return vertx.executeBlocking(() -> signatures.signedBy(peer, content(request, self), signature), false)
                .map(ok -> ok || refused("it is not signed by node " + peer.shortId()));
    }

    /** Requests refused since this node started. */
    long refused() {
        return refused.get();
    }

    private boolean refused(String why) {
        if (refused.getAndIncrement() == 0) {
            log.warn("refused an operator request: {} (later ones are only counted)", why);
        }
        return false;
    }

    /** Every field the answer depends on, the node asked and the node asking: none can be changed or redirected. */
    private static byte[] content(JsonObject request, NodeId target) {
        return String.join("\n", SIGNED, target.value(), request.getString(NODE),
                request.getString(ClusterFleet.OP, ""), request.getString("id", ""), request.getString("by", ""))
                .getBytes(StandardCharsets.UTF_8);
    }
}
