package org.nuttssh.cluster.bus;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Cross-node circuits over the Vert.x event bus. Opening is a three-way handshake: the initiator's node asks the
 * listener's node ({@code open}), which opens the SSH channel on its client and answers with its frame address; the
 * initiator's node acknowledges, and only then does the listener's side start sending, so nothing is sent to an
 * initiator node that has already given up. Refusals travel back with their reason code and text. This side opens
 * circuits to other nodes; {@link OpenRequests} answers theirs.
 */
public final class EventBusNodes implements RemoteNodes {

    private static final Logger log = LoggerFactory.getLogger(EventBusNodes.class);

    private final Vertx vertx;
    private final EventBus eventBus;
    private final NodeId node;
    private final Supplier<List<NodeId>> members;
    private final NodeSignatures signatures;
    private final RemoteEnds ends;
    /** Frames for circuits this node never had, and circuit opens not signed by a member node. */
    private final AtomicLong refused = new AtomicLong();

    /**
     * Can open circuits to other nodes at once; serves theirs after {@link #serve}.
     *
     * @param members    the relay nodes that are members now: only they may open circuits here
     * @param signatures how a circuit open shows which node asks for it
     * @param grantsCredit whether a node grants credit from its window budget, or is of a release before that
     *     and expects the sender to keep {@link RemoteEnd#FIRST_FORMAT_CREDIT} in flight
     */
    public EventBusNodes(Vertx vertx, NodeId node, Supplier<List<NodeId>> members, NodeSignatures signatures,
                         Predicate<NodeId> grantsCredit) {
        this.vertx = vertx;
        this.eventBus = vertx.eventBus();
        this.node = node;
        this.members = members;
        this.signatures = signatures;
        this.ends = new RemoteEnds(eventBus, grantsCredit, refused);
        eventBus.registerDefaultCodec(Frame.class, new FrameCodec());
    }

    /**
     * Starts answering other nodes' open requests and frames: circuits to clients here go through {@code incoming}.
     * Blocks until both consumers are known cluster-wide: a frame sent to an address nobody has registered yet is
     * dropped. One frame consumer per node, rather than per circuit, keeps circuit setup free of cluster-wide
     * registrations.
     */
    public void serve(IncomingCircuits incoming) {
        OpenRequests requests = new OpenRequests(vertx, node, members, signatures, ends, incoming, refused);
        await(eventBus.<JsonObject>consumer(NodeAddresses.open(node), requests::onOpenRequest).completion());
        await(eventBus.<Frame>consumer(NodeAddresses.frames(node), message -> ends.dispatch(message.body())).completion());
        greet(members.get());
    }
    /**
     * Says hello to each of {@code peers}: the request and its answer open the event-bus connections to and from it,
     * so that the first circuit does not pay for them. With TLS, a handshake on a busy node takes long enough to
     * count against a circuit's {@link #OpenMessage.TIMEOUT}. A peer that does not answer is left to the first circuit.
     */
    public void greet(Collection<NodeId> peers) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OpenMessage.TIMEOUT.toMillis());
        for (NodeId peer : peers) {
            if (!peer.equals(node)) {
                eventBus.request(NodeAddresses.open(peer), new JsonObject().put(OpenMessage.HELLO, node.value()), options)
                        .onFailure(failure -> log.debug("node {} did not answer hello: {}", peer.shortId(),
                                failure.toString()));
            }
        }
    }

    @Override
    public CompletionStage<CircuitEnd> openTarget(ListenerRecord target, int port, String originHost, int originPort,
                                                  String initiator) {
        UUID circuit = UUID.randomUUID();
        String name = target.hostname() + ":" + port;
        RemoteEnd end = ends.open(circuit, target.node(), name + " on node " + target.node().shortId());
        JsonObject request = new JsonObject()
                .put(OpenMessage.CIRCUIT, circuit.toString())
                .put(OpenMessage.NODE, node.value())
                .put(OpenMessage.LISTENER, target.id())
                .put(OpenMessage.PORT, port)
                .put(OpenMessage.ORIGIN_HOST, originHost)
                .put(OpenMessage.ORIGIN_PORT, originPort)
                .put(OpenMessage.INITIATOR, initiator);
        CompletableFuture<CircuitEnd> opened = new CompletableFuture<>();
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OpenMessage.TIMEOUT.toMillis());
        // A signature takes most of a millisecond of CPU (docs/performance.md): a worker's job, not an I/O thread's.
        vertx.executeBlocking(() -> signatures.sign(OpenMessage.signed(request, target.node())), false)
                .compose(signature -> eventBus.<JsonObject>request(NodeAddresses.open(target.node()),
                        request.put(OpenMessage.SIGNATURE, signature), options))
                .onComplete(reply -> {
                    if (reply.failed()) {
                        end.peerLost();
                        opened.completeExceptionally(refusal(reply.cause(), name, target.node()));
                        return;
                    }
                    reply.result().reply(new JsonObject());
                    opened.complete(end);
                });
        return opened;
    }

    /** Messages refused: frames for circuits this node never had, and circuit opens not signed by a member node. */
    public long refused() {
        return refused.get();
    }

    /** A node left the cluster: every circuit half talking to it closes now instead of hanging. */
    public void nodeLeft(NodeId departed) {
        ends.nodeLeft(departed);
    }

    private static void await(io.vertx.core.Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(OpenMessage.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering event-bus consumers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot register event-bus consumers: " + e, e);
        }
    }

    private static CircuitRefusedException refusal(Throwable failure, String name, NodeId peer) {
        if (failure instanceof ReplyException reply) {
            switch (reply.failureType()) {
                case RECIPIENT_FAILURE:
                    return new CircuitRefusedException(reply.failureCode(), reply.getMessage());
                case TIMEOUT:
                    return CircuitRefusedException.connectFailed(name + ": node " + peer.shortId()
                            + " did not answer within " + OpenMessage.TIMEOUT.toSeconds() + " s");
                default:
                    return CircuitRefusedException.connectFailed(name + ": node " + peer.shortId()
                            + " is unreachable");
            }
        }
        return CircuitRefusedException.connectFailed(name + ": " + failure.getMessage());
    }
}
