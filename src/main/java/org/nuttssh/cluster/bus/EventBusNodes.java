package org.nuttssh.cluster.bus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Cross-node circuits over the Vert.x event bus. Opening is a three-way handshake: the initiator's node asks the
 * listener's node ({@code open}), which opens the SSH channel on its client and answers with its frame address; the
 * initiator's node acknowledges, and only then does the listener's side start sending, so nothing is sent to an
 * initiator node that has already given up. Refusals travel back with their reason code and text.
 */
public final class EventBusNodes implements RemoteNodes {

    /** How long an initiator waits for the far node, which itself waits for its listening client. */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    /** An open request carrying this field only opens the connections between two nodes; see {@link #greet}. */
    private static final String HELLO = "hello";
    private static final String SIGNATURE = "signature";
    /** What an open's signature covers before its fields: a signature for nothing else. */
    private static final String OPEN_SIGNED = "nuttssh circuit open v1";

    private static final Logger log = LoggerFactory.getLogger(EventBusNodes.class);

    private final Vertx vertx;
    private final EventBus eventBus;
    private final NodeId node;
    private final Supplier<List<NodeId>> members;
    private final NodeSignatures signatures;
    private final Map<UUID, RemoteEnd> ends = new ConcurrentHashMap<>();
    /** Set once by {@link #serve}, before this node's clients are in the registry, so before any open can come. */
    private volatile Switchboard switchboard;

    /**
     * Can open circuits to other nodes at once; serves theirs after {@link #serve}.
     *
     * @param members    the relay nodes that are members now: only they may open circuits here
     * @param signatures how a circuit open shows which node asks for it
     */
    public EventBusNodes(Vertx vertx, NodeId node, Supplier<List<NodeId>> members, NodeSignatures signatures) {
        this.vertx = vertx;
        this.eventBus = vertx.eventBus();
        this.node = node;
        this.members = members;
        this.signatures = signatures;
        eventBus.registerDefaultCodec(Frame.class, new FrameCodec());
    }

    /**
     * Starts answering other nodes' open requests and frames: circuits to clients here go through
     * {@code switchboard}. Blocks until both consumers are known cluster-wide: a frame sent to an address nobody has
     * registered yet is dropped. One frame consumer per node, rather than per circuit, keeps circuit setup free of
     * cluster-wide registrations.
     */
    public void serve(Switchboard switchboard) {
        this.switchboard = switchboard;
        await(eventBus.<JsonObject>consumer(openAddress(node), this::onOpenRequest).completion());
        await(eventBus.<Frame>consumer(framesAddress(node), message -> dispatch(message.body())).completion());
        greet(members.get());
    }

    /**
     * Says hello to each of {@code peers}: the request and its answer open the event-bus connections to and from it,
     * so that the first circuit does not pay for them. With TLS, a handshake on a busy node takes long enough to
     * count against a circuit's {@link #OPEN_TIMEOUT}. A peer that does not answer is left to the first circuit.
     */
    public void greet(Collection<NodeId> peers) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OPEN_TIMEOUT.toMillis());
        for (NodeId peer : peers) {
            if (!peer.equals(node)) {
                eventBus.request(openAddress(peer), new JsonObject().put(HELLO, node.value()), options)
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
        RemoteEnd end = newEnd(circuit, target.node(), name + " on node " + target.node().shortId());
        JsonObject request = new JsonObject()
                .put("circuit", circuit.toString())
                .put("node", node.value())
                .put("listener", target.id())
                .put("port", port)
                .put("originHost", originHost)
                .put("originPort", originPort)
                .put("initiator", initiator);
        CompletableFuture<CircuitEnd> opened = new CompletableFuture<>();
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OPEN_TIMEOUT.toMillis());
        // A signature takes most of a millisecond of CPU (docs/performance.md): a worker's job, not an I/O thread's.
        vertx.executeBlocking(() -> signatures.sign(signed(request, target.node())), false).compose(signature ->
                eventBus.<JsonObject>request(openAddress(target.node()), request.put(SIGNATURE, signature), options))
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

    /** A node left the cluster: every circuit half talking to it closes now instead of hanging. */
    public void nodeLeft(NodeId departed) {
        List<RemoteEnd> lost = ends.values().stream().filter(end -> end.peerNode().equals(departed)).toList();
        if (!lost.isEmpty()) {
            log.info("node {} left: closing {} circuits through it", departed.shortId(), lost.size());
            lost.forEach(RemoteEnd::peerLost);
        }
    }

    /** Hands a frame to its circuit's half on this node; frames of circuits already gone are dropped. */
    private void dispatch(Frame frame) {
        RemoteEnd end = ends.get(frame.circuit());
        if (end != null) {
            end.receive(frame);
        }
    }

    private void onOpenRequest(Message<JsonObject> message) {
        JsonObject request = message.body();
        if (request.containsKey(HELLO)) {
            message.reply(new JsonObject());
            return;
        }
        NodeId peer = new NodeId(request.getString("node"));
        if (!members.get().contains(peer)) {
            log.warn("refused a circuit open from {}, which is not a member node", peer.shortId());
            CircuitRefusedException refusal = CircuitRefusedException.prohibited("node " + peer.shortId()
                    + " is not a member");
            message.fail(refusal.reasonCode(), refusal.getMessage());
            return;
        }
        // Checking a signature takes over a millisecond of CPU: not on the event loop.
        vertx.executeBlocking(() -> signatures.signedBy(peer, signed(request, node), request.getString(SIGNATURE)),
                false).onComplete(checked -> {
                    if (checked.succeeded() && checked.result()) {
                        accept(message, peer);
                        return;
                    }
                    log.warn("refused a circuit open in the name of node {}: not signed with its certificate",
                            peer.shortId());
                    CircuitRefusedException refusal = CircuitRefusedException.prohibited("the circuit open is not "
                            + "signed by node " + peer.shortId());
                    message.fail(refusal.reasonCode(), refusal.getMessage());
                });
    }

    /** Opens the circuit a member asked for, on its listening client here. */
    private void accept(Message<JsonObject> message, NodeId peer) {
        JsonObject request = message.body();
        RemoteEnd end = newEnd(UUID.fromString(request.getString("circuit")), peer,
                request.getString("initiator") + " via node " + peer.shortId());
        switchboard.acceptFromRemote(request.getString("listener"), request.getInteger("port"),
                request.getString("originHost"), request.getInteger("originPort"), end)
                .whenComplete((circuit, failure) -> {
                    if (failure != null) {
                        end.peerLost();
                        CircuitRefusedException reason = Switchboard.asRefusal(failure);
                        message.fail(reason.reasonCode(), reason.getMessage());
                        return;
                    }
                    DeliveryOptions options = new DeliveryOptions().setSendTimeout(OPEN_TIMEOUT.toMillis());
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

    /**
     * What the initiator's node signs: every field of the open, and the node it is meant for, so that neither can be
     * changed or sent elsewhere. The circuit id is random, so each open is signed once.
     */
    private static byte[] signed(JsonObject request, NodeId target) {
        return String.join("\n", OPEN_SIGNED, target.value(), request.getString("circuit"), request.getString("node"),
                request.getString("listener"), String.valueOf(request.getInteger("port")),
                request.getString("originHost"), String.valueOf(request.getInteger("originPort")),
                request.getString("initiator")).getBytes(StandardCharsets.UTF_8);
    }

    private RemoteEnd newEnd(UUID circuit, NodeId peer, String description) {
        String peerFrames = framesAddress(peer);
        RemoteEnd end = new RemoteEnd(circuit, peer, description, frame -> eventBus.send(peerFrames, frame),
                gone -> ends.remove(gone.circuitId(), gone));
        ends.put(circuit, end);
        return end;
    }

    private static void await(io.vertx.core.Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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
                            + " did not answer within " + OPEN_TIMEOUT.toSeconds() + " s");
                default:
                    return CircuitRefusedException.connectFailed(name + ": node " + peer.shortId()
                            + " is unreachable");
            }
        }
        return CircuitRefusedException.connectFailed(name + ": " + failure.getMessage());
    }

    static String openAddress(NodeId node) {
        return "nuttssh.node." + node + ".open";
    }

    static String framesAddress(NodeId node) {
        return "nuttssh.node." + node + ".frames";
    }
}
