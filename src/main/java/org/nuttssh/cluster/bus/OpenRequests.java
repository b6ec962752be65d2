package org.nuttssh.cluster.bus;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Other nodes' requests to open circuits to the listening clients here: only a member node may ask, and only with an
 * open signed by its certificate. The listening client's side starts sending only once the initiator's node has
 * acknowledged the answer, so nothing is sent to a node that has already given up.
 */
final class OpenRequests {

    private static final Logger log = LoggerFactory.getLogger(OpenRequests.class);

    private final Vertx vertx;
    private final NodeId node;
    private final Supplier<List<NodeId>> members;
    private final NodeSignatures signatures;
    private final RemoteEnds ends;
    private final IncomingCircuits incoming;
    private final AtomicLong refused;

    /**
     * @param members  the relay nodes that are members now: only they may open circuits here
     * @param incoming where the circuits asked for are opened
     * @param refused  counts opens that are not a member node's
     */
    OpenRequests(Vertx vertx, NodeId node, Supplier<List<NodeId>> members, NodeSignatures signatures, RemoteEnds ends,
                 IncomingCircuits incoming, AtomicLong refused) {
        this.vertx = vertx;
        this.node = node;
        this.members = members;
        this.signatures = signatures;
        this.ends = ends;
        this.incoming = incoming;
        this.refused = refused;
    }

    void onOpenRequest(Message<JsonObject> message) {
        JsonObject request = message.body();
        if (request.containsKey(OpenMessage.HELLO)) {
            message.reply(new JsonObject());
            return;
        }
        NodeId peer = new NodeId(request.getString(OpenMessage.NODE));
        if (!members.get().contains(peer)) {
            log.warn("refused a circuit open from {}, which is not a member node", peer.shortId());
            refused.incrementAndGet();
            refuse(message, CircuitRefusedException.prohibited("node " + peer.shortId() + " is not a member"));
            return;
        }
        // Checking a signature takes over a millisecond of CPU: not on the event loop.
        vertx.executeBlocking(() -> signatures.signedBy(peer, OpenMessage.signed(request, node),
                request.getString(OpenMessage.SIGNATURE)), false).onComplete(checked -> {
                    if (checked.succeeded() && checked.result()) {
                        accept(message, peer);
                        return;
                    }
                    log.warn("refused a circuit open in the name of node {}: not signed with its certificate",
                            peer.shortId());
                    refused.incrementAndGet();
                    refuse(message, CircuitRefusedException.prohibited("the circuit open is not signed by node "
                            + peer.shortId()));
                });
    }

    /** Opens the circuit a member asked for, on its listening client here. */
    private void accept(Message<JsonObject> message, NodeId peer) {
        JsonObject request = message.body();
        RemoteEnd end = ends.open(UUID.fromString(request.getString(OpenMessage.CIRCUIT)), peer,
                request.getString(OpenMessage.INITIATOR) + " via node " + peer.shortId());
        incoming.acceptFromRemote(request.getString(OpenMessage.LISTENER), request.getInteger(OpenMessage.PORT),
                request.getString(OpenMessage.ORIGIN_HOST), request.getInteger(OpenMessage.ORIGIN_PORT), end)
                .whenComplete((circuit, failure) -> {
                    if (failure != null) {
                        end.peerLost();
                        refuse(message, CircuitRefusedException.from(failure));
                        return;
                    }
                    DeliveryOptions options = new DeliveryOptions().setSendTimeout(OpenMessage.TIMEOUT.toMillis());
                    message.replyAndRequest(new JsonObject(), options)
                            .onComplete(ack -> {
                                if (ack.succeeded()) {
                                    circuit.initiatorReady();
                                } else {
                                    log.info("circuit {}: initiator node gave up ({})", circuit, ack.cause().getMessage());
                                    end.peerLost();
                                }
                            });
                });
    }

    private static void refuse(Message<JsonObject> message, CircuitRefusedException refusal) {
        message.fail(refusal.reasonCode(), refusal.getMessage());
    }
}
