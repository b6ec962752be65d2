package org.nuttssh.circuit;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.nuttssh.config.Limit;
import org.nuttssh.events.EventSink;
import org.nuttssh.registry.ClientName;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;
import org.nuttssh.text.Printable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects initiators to listening clients: looks the target up in the registry, asks the listening client to accept,
 * and joins the two ends into a circuit. Knows the listening clients of this node and the circuits open here, counts
 * the refusals it decides, writes each circuit's audit record when it closes, and reports what happens as events. Each kind of caller sees it through
 * its own face: {@link Listeners}, {@link Connector}, {@link IncomingCircuits}, {@link SwitchboardView}.
 */
public final class Switchboard implements Listeners, Connector, IncomingCircuits, SwitchboardView {

    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);

    private final Registry registry;
    private final RemoteNodes remoteNodes;
    private final NodeId node;
    private final int maxCircuitsPerClient;
    private final Duration reconnectWait;
    private final Map<String, ListeningClient> localClients = new ConcurrentHashMap<>();
    private final Map<String, ListenerRecord> localRecords = new ConcurrentHashMap<>();
    private final CircuitBook book = new CircuitBook();
    private final Refusals refusals;
    private final CircuitEvents events;
    private volatile boolean refusingListeners;
    private volatile boolean draining;

    /**
     * @param remoteNodes          how to reach listening clients connected to other nodes
     * @param node                 this node's id, as the registry records it for the clients connected here
     * @param maxCircuitsPerClient circuits one initiator may have open or opening; 0 for no limit
     * @param reconnectWait        how long an open to a name that just left waits for it to come back; zero for not
     * @param refusals             where the refusals it decides are counted
     * @param events              where what happens to listening clients and circuits here is reported
     */
    public Switchboard(Registry registry, RemoteNodes remoteNodes, NodeId node, int maxCircuitsPerClient,
                       Duration reconnectWait, Refusals refusals, EventSink events) {
        this.registry = registry;
        this.remoteNodes = remoteNodes;
        this.node = node;
        this.maxCircuitsPerClient = maxCircuitsPerClient;
        this.reconnectWait = reconnectWait;
        this.refusals = refusals;
        this.events = new CircuitEvents(events, node);
    }

    @Override
    public NodeId node() {
        return node;
    }

    @Override
    public CompletionStage<Void> publish(ListenerRecord record, ListeningClient client) {
        if (refusingListeners) {
            return CompletableFuture.failedFuture(new IllegalStateException("relay is shutting down"));
        }
        localClients.put(record.id(), client);
        boolean first = localRecords.put(record.id(), record) == null;
        book.listening(record.id());
        CompletionStage<Void> registered = registry.register(record);
        return first ? registered.thenRun(() -> events.connected(record)) : registered;
    }

    @Override
    public CompletionStage<Void> withdraw(String id) {
        return registry.unregister(id).whenComplete((ignored, failure) -> {
            localClients.remove(id);
            ListenerRecord record = localRecords.remove(id);
            book.notListening(id);
            if (record != null) {
                events.disconnected(record);
            }
        });
    }

    @Override
    public CompletionStage<Void> unlist(String id) {
        // Only the registry forgets it: localClients keeps it, so that an open that found it by name a moment ago,
        // on this node or another, still reaches it by id.
        return registry.unregister(id);
    }

    /**
     * Starts a paced shutdown: from now on no listener is accepted, while circuits to the listening clients still
     * here are, so that each stays reachable until the drain lets it go and it reconnects to another node.
     */
    public void refuseListeners() {
        refusingListeners = true;
    }

    /**
     * Ends a shutdown's paced part: from now on no listener is accepted, and this node's listening clients leave the
     * registry at once, so that no node routes new circuits here. Circuits routed here before every node heard still
     * reach their clients until {@link #refuseCircuits}; circuits already open go on.
     *
     * @return completes when the registry has taken the withdrawals
     */
    public CompletionStage<Void> unlistAll() {
        refusingListeners = true;
        CompletableFuture<?>[] withdrawals = localRecords.keySet().stream()
                .map(id -> unlist(id).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(withdrawals);
    }

    /** From now on no circuit is accepted, from this node's initiators or from other nodes; open ones go on. */
    public void refuseCircuits() {
        refusingListeners = true;
        draining = true;
    }

    @Override
    public boolean isDraining() {
        return refusingListeners;
    }

    @Override
    public CompletionStage<Circuit> connect(CircuitEnd initiator, Initiator who, String target, int port,
                                            String originHost, int originPort) {
        if (draining) {
            return counted(refused(CircuitRefusedException.of(RefusalReason.SHUTTING_DOWN,
                    "the relay is shutting down")));
        }
        Optional<ConnectName> name = ConnectName.parse(target);
        if (name.isEmpty()) {
            return counted(refused(CircuitRefusedException.of(RefusalReason.BAD_NAME,
                    "'" + Printable.escape(target) + "' is not a client name (expected NAME or NAME~N, a name being "
                            + ClientName.RULE + ")")));
        }
        if (!book.reserve(who.clientId(), maxCircuitsPerClient)) {
            return counted(refused(CircuitRefusedException.limit(Limit.MAX_CIRCUITS_PER_CLIENT, who.name() + " has "
                    + maxCircuitsPerClient + " circuits open, the most one client may (max-circuits-per-client)")));
        }
        // A device moving to another node (a drain let it go) is gone for a second or two: the open waits for it.
        CompletionStage<Circuit> circuit = registry
                .resolveReturning(name.get().name(), name.get().index(), reconnectWait)
                .thenCompose(found -> {
                    ListenerRecord record = found.orElse(null);
                    if (record == null) {
                        return refused(CircuitRefusedException.of(RefusalReason.NO_SUCH_NAME,
                                "no listening client named '" + name.get() + "'"));
                    }
                    if (!record.ports().containsKey(port)) {
                        return refused(CircuitRefusedException.of(RefusalReason.NO_SUCH_PORT,
                                name.get() + " does not listen on port " + port + " (it listens on "
                                        + portList(record.ports().keySet()) + ")"));
                    }
                    boolean local = record.node().equals(node);
                    CompletionStage<CircuitEnd> opened = local
                            ? openLocal(record.id(), name.get().toString(), port, originHost, originPort)
                            : remoteNodes.openTarget(record, port, originHost, originPort, initiator.describe());
                    return opened.thenApply(targetEnd -> startCircuit(initiator, targetEnd,
                            circuitOf -> new OpenCircuit(circuitOf, who, name.get().toString(), port, node,
                                    record.node(), local ? record.id() : null)));
                });
        return counted(circuit.whenComplete((started, failure) -> {
            if (failure != null) {
                book.release(who.clientId());
            }
        }));
    }

    @Override
    public CompletionStage<Circuit> acceptFromRemote(String listenerId, int port, String originHost, int originPort,
                                                     CircuitEnd initiator) {
        ListenerRecord record = localRecords.get(listenerId);
        String name = record != null ? record.hostname() : listenerId;
        if (draining) {
            return counted(refused(CircuitRefusedException.of(RefusalReason.SHUTTING_DOWN,
                    "the relay node holding " + name + " is shutting down")));
        }
        return counted(openLocal(listenerId, name, port, originHost, originPort)
                .thenApply(targetEnd -> startCircuit(initiator, targetEnd,
                        circuitOf -> new OpenCircuit(circuitOf, null, name, port, null, node, listenerId))));
    }

    private CompletionStage<CircuitEnd> openLocal(String id, String name, int port, String originHost,
                                                  int originPort) {
        ListeningClient client = localClients.get(id);
        if (client == null) {
            return refused(CircuitRefusedException.of(RefusalReason.TARGET_GONE, name + " has just disconnected"));
        }
        return client.openTarget(port, originHost, originPort);
    }

    /** @param describe what the book keeps about the circuit, made once the circuit exists */
    private Circuit startCircuit(CircuitEnd initiator, CircuitEnd target, Function<Circuit, OpenCircuit> describe) {
        Circuit circuit = new Circuit(initiator, target, this::finished);
        OpenCircuit entry = describe.apply(circuit);
        book.opened(entry);
        events.opened(entry);
        circuit.start();
        return circuit;
    }

    private void finished(Circuit circuit) {
        OpenCircuit entry = book.closed(circuit);
        if (entry != null && entry.audited()) {
            CircuitAudit.closed(entry);
            events.closed(entry);
        }
    }

    @Override
    public void refused(Initiator who, String target, int port, CircuitRefusedException why) {
        events.refused(who, target, port, why);
    }

    /** Counts the refusal a failed open ends with. */
    private <T> CompletionStage<T> counted(CompletionStage<T> open) {
        return open.whenComplete((ignored, failure) -> {
            if (failure != null) {
                refusals.circuit(CircuitRefusedException.from(failure));
            }
        });
    }

    @Override
    public List<OpenCircuit> openCircuits() {
        return book.openCircuits();
    }

    @Override
    public int openCircuitCount() {
        return book.openCount();
    }

    @Override
    public long openedCircuits() {
        return book.openedTotal();
    }

    @Override
    public long bytesUp() {
        return book.bytesUp();
    }

    @Override
    public long bytesDown() {
        return book.bytesDown();
    }

    @Override
    public ListenerTraffic traffic(String listenerId) {
        return book.traffic(listenerId);
    }

    @Override
    public int circuitsInvolving(String clientId) {
        return book.involving(clientId);
    }

    @Override
    public int localListeningClients() {
        return localRecords.size();
    }

    @Override
    public int localNames() {
        return localRecords.values().stream().mapToInt(record -> record.names().size()).sum();
    }

    @Override
    public int localListeners() {
        return localRecords.values().stream().mapToInt(record -> record.ports().size()).sum();
    }

    private static String portList(Collection<Integer> ports) {
        return ports.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("no port");
    }

    private static <T> CompletionStage<T> refused(CircuitRefusedException reason) {
        return CompletableFuture.failedFuture(reason);
    }
}
