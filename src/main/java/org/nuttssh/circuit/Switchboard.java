package org.nuttssh.circuit;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.nuttssh.metrics.Tally;
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
 * refusals, and writes each circuit's audit record when it closes.
 */
public final class Switchboard {

    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);

    private final Registry registry;
    private final RemoteNodes remoteNodes;
    private final NodeId node;
    private final int maxCircuitsPerClient;
    private final Map<String, ListeningClient> localClients = new ConcurrentHashMap<>();
    private final Map<String, ListenerRecord> localRecords = new ConcurrentHashMap<>();
    private final CircuitBook book = new CircuitBook();
    private final Tally<RefusalReason> refusals = Tally.of(
            EnumSet.complementOf(EnumSet.of(RefusalReason.REMOTE)), RefusalReason::label);
    private volatile boolean draining;

    /**
     * @param remoteNodes          how to reach listening clients connected to other nodes
     * @param node                 this node's id, as the registry records it for the clients connected here
     * @param maxCircuitsPerClient circuits one initiator may have open or opening; 0 for no limit
     */
    public Switchboard(Registry registry, RemoteNodes remoteNodes, NodeId node, int maxCircuitsPerClient) {
        this.registry = registry;
        this.remoteNodes = remoteNodes;
        this.node = node;
        this.maxCircuitsPerClient = maxCircuitsPerClient;
    }

    public NodeId node() {
        return node;
    }

    public Registry registry() {
        return registry;
    }

    /** Publishes a listening client, or its new set of ports when it is already published. */
    public CompletionStage<Void> publish(ListenerRecord record, ListeningClient client) {
        if (draining) {
            return CompletableFuture.failedFuture(new IllegalStateException("relay is shutting down"));
        }
        localClients.put(record.id(), client);
        localRecords.put(record.id(), record);
        book.listening(record.id());
        return registry.register(record);
    }

    public CompletionStage<Void> withdraw(String id) {
        return registry.unregister(id).whenComplete((ignored, failure) -> {
            localClients.remove(id);
            localRecords.remove(id);
            book.notListening(id);
        });
    }

    /**
     * Starts a shutdown: from now on no circuit or listener is accepted, and this node's listening clients leave the
     * registry at once, so that no node routes new circuits here; circuits already open go on.
     *
     * @return completes when the registry has taken the withdrawals
     */
    public CompletionStage<Void> drain() {
        draining = true;
        CompletableFuture<?>[] withdrawals = localRecords.keySet().stream()
                .map(id -> registry.unregister(id).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(withdrawals);
    }

    public boolean isDraining() {
        return draining;
    }

    /**
     * Opens a circuit from {@code initiator} to {@code target:port}.
     *
     * @param who    the client asking, for its circuit limit and the audit record
     * @param target the name as the initiator wrote it, e.g. {@code gw1} or {@code gw1~1}
     * @return the started circuit, or a {@link CircuitRefusedException} saying why not
     */
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
            return counted(refused(CircuitRefusedException.of(RefusalReason.LIMIT, who.name() + " has "
                    + maxCircuitsPerClient + " circuits open, the most one client may (max-circuits-per-client)")));
        }
        CompletionStage<Circuit> circuit = registry.resolve(name.get().name(), name.get().index())
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

    /**
     * Opens a circuit for an initiator connected to another node, to a listening client connected here.
     *
     * @param initiator the stand-in for the initiator's end on its node
     */
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

    /** Counts a refusal decided outside the switchboard, e.g. for a key without access="initiate". */
    public void countRefusal(CircuitRefusedException refusal) {
        count(refusal.reason());
    }

    public Tally<RefusalReason> refusals() {
        return refusals;
    }

    /** The refusal a failed open stands for; unexpected failures become a generic "relay error". */
    public static CircuitRefusedException asRefusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof CircuitRefusedException refused
                ? refused
                : CircuitRefusedException.connectFailed("relay error: " + cause);
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
        book.opened(describe.apply(circuit));
        circuit.start();
        return circuit;
    }

    private void finished(Circuit circuit) {
        OpenCircuit entry = book.closed(circuit);
        if (entry != null && entry.audited()) {
            CircuitAudit.closed(entry);
        }
    }

    /** Counts the refusal a failed open ends with. */
    private <T> CompletionStage<T> counted(CompletionStage<T> open) {
        return open.whenComplete((ignored, failure) -> {
            if (failure != null) {
                count(asRefusal(failure).reason());
            }
        });
    }

    /** Circuits open on this node right now, with whose they are. */
    public List<OpenCircuit> openCircuits() {
        return book.openCircuits();
    }

    public int openCircuitCount() {
        return book.openCount();
    }

    /** Circuits opened on this node since it started, closed ones included. */
    public long openedCircuits() {
        return book.openedTotal();
    }

    /** Bytes relayed from initiators to listening clients on this node since it started. */
    public long bytesUp() {
        return book.bytesUp();
    }

    /** Bytes relayed from listening clients to initiators on this node since it started. */
    public long bytesDown() {
        return book.bytesDown();
    }

    /** The circuits of a listening client connected here. */
    public ListenerTraffic traffic(String listenerId) {
        return book.traffic(listenerId);
    }

    /** Circuits a client connected here takes part in, as initiator or as listening client. */
    public int circuitsInvolving(String clientId) {
        return book.involving(clientId);
    }

    /** Listening clients connected to this node. */
    public int localListeningClients() {
        return localRecords.size();
    }

    /** Names (hostnames and aliases) the listening clients connected to this node hold in the registry. */
    public int localNames() {
        return localRecords.values().stream().mapToInt(record -> record.names().size()).sum();
    }

    /** Virtual listeners (ports) of the listening clients connected to this node. */
    public int localListeners() {
        return localRecords.values().stream().mapToInt(record -> record.ports().size()).sum();
    }

    /** A refusal the far node decided ({@link RefusalReason#REMOTE}) is that node's to count. */
    private void count(RefusalReason reason) {
        if (reason != RefusalReason.REMOTE) {
            refusals.count(reason);
        }
    }

    private static String portList(Collection<Integer> ports) {
        return ports.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("no port");
    }

    private static <T> CompletionStage<T> refused(CircuitRefusedException reason) {
        return CompletableFuture.failedFuture(reason);
    }
}
