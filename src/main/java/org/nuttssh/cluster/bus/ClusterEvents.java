package org.nuttssh.cluster.bus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.nuttssh.events.EventHub;
import org.nuttssh.events.EventQueue;
import org.nuttssh.events.RelayEvent;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The cluster's events on the event bus: each node publishes its own, in signed batches, to {@link #ADDRESS}, and
 * passes on to its {@code events} readers the batches of the other member nodes. A batch is taken only from a node
 * that is a proven member now ({@code ClusterMembership.nodes()}) and signed with the certificate that node proved
 * itself with: mutual TLS says only that the sender is some node, not which. One signature per batch, rather than
 * per event, bounds what this costs whatever the rate of events.
 */
public final class ClusterEvents implements AutoCloseable {

    /**
     * New in this release: a node of an older release (df46318) neither publishes nor consumes here, so its events are
     * missing from the stream and it ignores the others'.
     */
    static final String ADDRESS = "nuttssh.events";
    /** How often a node sends what happened since: events reach readers elsewhere within this. */
    static final Duration SEND_INTERVAL = Duration.ofMillis(200);
    /**
     * Events one batch carries (~200 bytes each, so ~200 KB at most). A node makes more than this in
     * {@link #SEND_INTERVAL} only in a storm, during which the queue absorbs the rest.
     */
    static final int MAX_BATCH = 1024;
    /** Events waiting for the next batch; beyond it they are dropped and the readers told how many. */
    static final int QUEUE = 8 * MAX_BATCH;

    private static final String SIGNED = "nuttssh events v1";
    private static final String NODE = "node";
    private static final String EVENTS = "events";
    private static final String SIGNATURE = "signature";

    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);

    private final Vertx vertx;
    private final NodeId node;
    private final Supplier<List<NodeId>> members;
    private final NodeSignatures signatures;
    private final EventHub hub;
    private final EventQueue queue = new EventQueue(QUEUE);
    private final AtomicBoolean sending = new AtomicBoolean();
    private final MessageConsumer<JsonObject> consumer;
    private final long timer;

    /**
     * Starts publishing this node's events and passing on the other nodes'.
     *
     * @param members the relay nodes that are proven members now: only their events are taken
     */
    public ClusterEvents(Vertx vertx, NodeId node, Supplier<List<NodeId>> members, NodeSignatures signatures,
                         EventHub hub) {
        this.vertx = vertx;
        this.node = node;
        this.members = members;
        this.signatures = signatures;
        this.hub = hub;
        this.consumer = vertx.eventBus().consumer(ADDRESS, this::received);
        hub.addOutlet(queue::offer);
        this.timer = vertx.setPeriodic(SEND_INTERVAL.toMillis(), tick -> send());
    }

    private void send() {
        if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
            return;
        }
        String events = new JsonArray(queue.take(MAX_BATCH, node.shortId()).stream().map(RelayEvent::toJson)
                .toList()).encode();
        // A signature takes most of a millisecond of CPU (docs/performance.md): a worker's job.
        vertx.executeBlocking(() -> signatures.sign(signed(node, events)), false)
                .onSuccess(signature -> vertx.eventBus().publish(ADDRESS, new JsonObject().put(NODE, node.value())
                        .put(EVENTS, events).put(SIGNATURE, signature)))
                .onFailure(failure -> log.warn("cannot sign this node's events; they are not sent: {}",
                        failure.toString()))
                .onComplete(done -> sending.set(false));
    }

    private void received(Message<JsonObject> message) {
        JsonObject batch = message.body();
        String sender = batch.getString(NODE);
        String events = batch.getString(EVENTS);
        String signature = batch.getString(SIGNATURE);
        if (sender == null || events == null || signature == null || sender.equals(node.value())
                || !hub.hasReaders()) {
            return; // its own events reached its readers directly; nobody here reads the others'
        }
        NodeId peer = new NodeId(sender);
        if (!members.get().contains(peer)) {
            log.debug("ignored events in the name of node {}, which is not a proven member", peer.shortId());
            return;
        }
        vertx.executeBlocking(() -> signatures.signedBy(peer, signed(peer, events), signature), false)
                .onSuccess(valid -> {
                    if (!valid) {
                        log.warn("ignored events in the name of node {}: not signed with its certificate",
                                peer.shortId());
                        return;
                    }
                    new JsonArray(events).forEach(event -> {
                        if (event instanceof JsonObject json) {
                            RelayEvent.fromJson(json).ifPresent(hub::fromOtherNode);
                        }
                    });
                });
    }

    /** What a batch's signature covers: its sender and its events, exactly as sent. */
    private static byte[] signed(NodeId sender, String events) {
        return String.join("\n", SIGNED, sender.value(), events).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        consumer.unregister();
    }
}
