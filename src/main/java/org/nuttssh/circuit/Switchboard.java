package org.nuttssh.circuit;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Registry;

/**
 * Connects initiators to listening clients: looks the target up in the registry, asks the listening client to accept,
 * and joins the two ends into a circuit. Knows the listening clients of this node and the circuits open here.
 */
public final class Switchboard {

    private final Registry registry;
    private final String node;
    private final Map<String, ListeningClient> localClients = new ConcurrentHashMap<>();
    private final Set<Circuit> circuits = ConcurrentHashMap.newKeySet();
    private volatile RemoteNodes remoteNodes;

    /** @param node this node's id, as the registry records it for the clients connected here */
    public Switchboard(Registry registry, String node) {
        this.registry = registry;
        this.node = node;
    }

    public String node() {
        return node;
    }

    /** In a cluster: how to reach listening clients connected to other nodes. */
    public void useRemoteNodes(RemoteNodes nodes) {
        this.remoteNodes = nodes;
    }

    public Registry registry() {
        return registry;
    }

    /** Publishes a listening client, or its new set of ports when it is already published. */
    public CompletionStage<Void> publish(ListenerRecord record, ListeningClient client) {
        localClients.put(record.id(), client);
        return registry.register(record);
    }

    public CompletionStage<Void> withdraw(String id) {
        return registry.unregister(id).whenComplete((ignored, failure) -> localClients.remove(id));
    }

    /**
     * Opens a circuit from {@code initiator} to {@code target:port}.
     *
     * @param target the name as the initiator wrote it, e.g. {@code gw1} or {@code gw1~1}
     * @return the started circuit, or a {@link CircuitRefusedException} saying why not
     */
    public CompletionStage<Circuit> connect(CircuitEnd initiator, String target, int port,
                                            String originHost, int originPort) {
        Optional<ConnectName> name = ConnectName.parse(target);
        if (name.isEmpty()) {
            return refused(CircuitRefusedException.connectFailed(
                    "'" + target + "' is not a client name (expected NAME or NAME~N)"));
        }
        return registry.resolve(name.get().name(), name.get().index())
                .thenCompose(found -> {
                    ListenerRecord record = found.orElse(null);
                    if (record == null) {
                        return refused(CircuitRefusedException.connectFailed(
                                "no listening client named '" + name.get() + "'"));
                    }
                    if (!record.ports().containsKey(port)) {
                        return refused(CircuitRefusedException.connectFailed(
                                name.get() + " does not listen on port " + port + " (it listens on "
                                        + portList(record.ports().keySet()) + ")"));
                    }
                    if (!record.node().equals(node)) {
                        RemoteNodes nodes = remoteNodes;
                        if (nodes == null) {
                            return refused(CircuitRefusedException.connectFailed(
                                    name.get() + " is on another node, and this node is not in a cluster"));
                        }
                        return nodes.openTarget(record, port, originHost, originPort, initiator.describe());
                    }
                    return openLocal(record.id(), name.get().toString(), port, originHost, originPort);
                })
                .thenApply(targetEnd -> startCircuit(initiator, targetEnd));
    }

    /**
     * Opens a circuit for an initiator connected to another node, to a listening client connected here.
     *
     * @param initiator the stand-in for the initiator's end on its node
     */
    public CompletionStage<Circuit> acceptFromRemote(String listenerId, int port, String originHost, int originPort,
                                                     CircuitEnd initiator) {
        return openLocal(listenerId, listenerId, port, originHost, originPort)
                .thenApply(targetEnd -> startCircuit(initiator, targetEnd));
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
            return refused(CircuitRefusedException.connectFailed(name + " has just disconnected"));
        }
        return client.openTarget(port, originHost, originPort);
    }

    private Circuit startCircuit(CircuitEnd initiator, CircuitEnd target) {
        Circuit circuit = new Circuit(initiator, target, circuits::remove);
        circuits.add(circuit);
        circuit.start();
        return circuit;
    }

    /** Circuits open on this node right now. */
    public Collection<Circuit> circuits() {
        return List.copyOf(circuits);
    }

    private static String portList(Collection<Integer> ports) {
        return ports.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("no port");
    }

    private static <T> CompletionStage<T> refused(CircuitRefusedException reason) {
        return CompletableFuture.failedFuture(reason);
    }
}
