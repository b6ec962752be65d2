package org.nuttssh.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.nuttssh.admin.CircuitView;
import org.nuttssh.admin.ClientTraffic;
import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.FleetAnswer;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.cluster.bus.NodeAddresses;
import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Sighting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The operator commands across a cluster: each node answers requests about its own clients at
 * {@code nuttssh.node.<id>.admin} on the event bus, and asks the others when a command needs them. Questions go to
 * every member at once; a node that does not answer within {@link #ANSWER_TIMEOUT} is reported as silent rather than
 * holding the command up.
 */
public final class ClusterFleet implements Fleet, AutoCloseable {

    /** Answers are read from memory; a node slower than this is in trouble and should not stall the operator. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    static final String OP = "op";
    static final String TRAFFIC = "traffic";
    static final String CIRCUITS = "circuits";
    static final String KICK = "kick";
    /** The failure code of a refused request, as HTTP's Forbidden, for the asking node's log. */
    static final int REFUSED = 403;

    private static final Logger log = LoggerFactory.getLogger(ClusterFleet.class);

    private final EventBus eventBus;
    private final NodeAdmin local;
    private final Supplier<ClusterView> view;
    private final OperatorRequests requests;
    private final Supplier<CompletionStage<List<Sighting>>> offline;
    private final MessageConsumer<JsonObject> consumer;

    private ClusterFleet(EventBus eventBus, NodeAdmin local, Supplier<ClusterView> view, OperatorRequests requests,
                         Supplier<CompletionStage<List<Sighting>>> offline) {
        this.eventBus = eventBus;
        this.local = local;
        this.view = view;
        this.requests = requests;
        this.offline = offline;
        this.consumer = eventBus.consumer(address(local.node()), this::answer);
    }

    /**
     * Starts answering other nodes' requests about this node's clients.
     *
     * @param view       the nodes as this one sees them: questions go to its members, and only they may ask
     * @param signatures how this node signs its requests, and checks which node signed others'
     * @param offline    what the shared presence map remembers of names gone: no other node needs asking
     */
    public static ClusterFleet start(Vertx vertx, NodeAdmin local, Supplier<ClusterView> view,
                                     NodeSignatures signatures, Supplier<CompletionStage<List<Sighting>>> offline) {
        return new ClusterFleet(vertx.eventBus(), local, view,
                new OperatorRequests(vertx, local.node(), signatures, () -> view.get().members()), offline);
    }

    static String address(NodeId node) {
        return NodeAddresses.admin(node);
    }

    @Override
    public boolean spansNodes() {
        return true;
    }

    @Override
    public ClusterView view() {
        return view.get();
    }

    @Override
    public CompletionStage<FleetAnswer<ClientTraffic>> traffic() {
        return gather(TRAFFIC, local::traffic, ClusterFleet::decodeTraffic);
    }

    @Override
    public CompletionStage<List<Sighting>> offline() {
        return offline.get();
    }

    @Override
    public CompletionStage<FleetAnswer<CircuitView>> circuits() {
        return gather(CIRCUITS, local::circuits, ClusterFleet::decodeCircuit);
    }

    @Override
    public CompletionStage<Boolean> kick(ListenerRecord client, String by) {
        if (client.node().equals(local.node())) {
            return CompletableFuture.completedFuture(local.kick(client.id(), by));
        }
        JsonObject request = new JsonObject().put(OP, KICK).put("id", client.id()).put("by", by);
        return requests.sign(request, client.node())
                .compose(signed -> eventBus.<JsonObject>request(address(client.node()), signed, options()))
                .map(reply -> reply.body().getBoolean("kicked"))
                .recover(failure -> io.vertx.core.Future.failedFuture(new IllegalStateException("node "
                        + client.node().shortId() + " did not answer: " + failure.getMessage())))
                .toCompletionStage();
    }

    /** Asks every member, this one directly; merges what comes back in time. */
    private <T> CompletionStage<FleetAnswer<T>> gather(String op, Supplier<List<T>> localPart,
                                                       Function<JsonObject, T> decode) {
        List<T> items = new ArrayList<>(localPart.get());
        List<NodeId> silent = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (NodeId member : view.get().members()) {
            if (member.equals(local.node())) {
                continue;
            }
            pending.add(requests.sign(new JsonObject().put(OP, op), member)
                    .compose(signed -> eventBus.<JsonObject>request(address(member), signed, options()))
                    .toCompletionStage().toCompletableFuture()
                    .handle((reply, failure) -> {
                        synchronized (items) {
                            if (failure != null) {
                                log.debug("node {} did not answer '{}': {}", member, op, failure.toString());
                                silent.add(member);
                            } else {
                                reply.body().getJsonArray(op)
                                        .forEach(item -> items.add(decode.apply((JsonObject) item)));
                            }
                        }
                        return null;
                    }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> {
            synchronized (items) {
                return new FleetAnswer<>(items, silent);
            }
        });
    }

    /** Operator requests refused since this node started: not signed by a member node. */
    long refused() {
        return requests.refused();
    }

    /** Another node asks about this node's clients: answered if a member node signed it. */
    private void answer(Message<JsonObject> message) {
        requests.check(message.body()).onComplete(checked -> {
            if (checked.succeeded() && checked.result()) {
                serve(message);
            } else {
                message.fail(REFUSED, "operator request refused: not signed by a member node");
            }
        });
    }

    private void serve(Message<JsonObject> message) {
        String op = message.body().getString(OP, "");
        switch (op) {
            case TRAFFIC -> message.reply(new JsonObject().put(TRAFFIC,
                    new JsonArray(local.traffic().stream().map(ClusterFleet::encode).toList())));
            case CIRCUITS -> message.reply(new JsonObject().put(CIRCUITS,
                    new JsonArray(local.circuits().stream().map(ClusterFleet::encode).toList())));
            case KICK -> message.reply(new JsonObject().put("kicked",
                    local.kick(message.body().getString("id"), message.body().getString("by"))));
            default -> message.fail(0, "unknown admin request '" + op + "'");
        }
    }

    private static DeliveryOptions options() {
        return new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT.toMillis());
    }

    static JsonObject encode(ClientTraffic traffic) {
        return new JsonObject().put("clientId", traffic.clientId()).put("openCircuits", traffic.openCircuits())
                .put("bytes", traffic.bytes()).put("certificate", traffic.certificate()).put("key", traffic.key());
    }

    static ClientTraffic decodeTraffic(JsonObject json) {
        return new ClientTraffic(json.getString("clientId"), json.getInteger("openCircuits"), json.getLong("bytes"),
                json.getString("certificate"), json.getString("key"));
    }

    static JsonObject encode(CircuitView circuit) {
        return new JsonObject().put("from", circuit.from()).put("to", circuit.to())
                .put("openedAt", circuit.openedAt().toEpochMilli()).put("bytesUp", circuit.bytesUp())
                .put("bytesDown", circuit.bytesDown()).put("initiatorNode", circuit.initiatorNode().value())
                .put("targetNode", circuit.targetNode().value());
    }

    static CircuitView decodeCircuit(JsonObject json) {
        return new CircuitView(json.getString("from"), json.getString("to"),
                Instant.ofEpochMilli(json.getLong("openedAt")), json.getLong("bytesUp"), json.getLong("bytesDown"),
                new NodeId(json.getString("initiatorNode")), new NodeId(json.getString("targetNode")));
    }

    @Override
    public void close() {
        consumer.unregister();
    }
}
