package org.nuttssh.ssh;

import java.util.Optional;

import org.nuttssh.auth.NameOwnership;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.Refusals;
import org.nuttssh.circuit.SwitchboardView;
import org.nuttssh.config.Limit;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.net.Ports;
import org.nuttssh.registry.ConnectName;

/**
 * What a client may forward, decided in one place the way MINA's {@code TcpForwardingFilter} decides it for a plain
 * server: whether it may listen on a port ({@code tcpip-forward}) and whether it may open a circuit to a name
 * ({@code direct-tcpip}). It judges the key's line as it is now (access=, permitlisten=, permitopen=, the name rules),
 * this node's state (draining, memory) and the per-client listener limit, and counts each refusal it makes.
 */
final class ForwardingPolicy {

    private final NameOwnership names;
    private final MemoryGuard memory;
    private final SwitchboardView switchboard;
    /** Virtual listeners one connection may hold; 0 for no limit. */
    private final int maxListeners;
    private final Refusals refusals;

    ForwardingPolicy(NameOwnership names, MemoryGuard memory, SwitchboardView switchboard, int maxListeners,
                     Refusals refusals) {
        this.names = names;
        this.memory = memory;
        this.switchboard = switchboard;
        this.maxListeners = maxListeners;
        this.refusals = refusals;
    }

    /** Why a client logged in as {@code userName} with {@code key} may not listen on {@code bindHost:port}. */
    Optional<String> canListen(String userName, AuthorizedKey key, String bindHost, int port) {
        if (!key.has(Access.LISTEN)) {
            return Optional.of("key " + key.fingerprint() + " lacks access=\"listen\"");
        }
        if (port <= 0 || port > Ports.MAX) {
            return Optional.of("port " + port + " is not a fixed port (virtual listeners need a port from 1 to "
                    + Ports.MAX + ")");
        }
        if (!key.permits().mayListen(bindHost, port)) {
            return Optional.of("port " + port + " with bind host '" + bindHost + "' is not allowed by "
                    + key.permits().describeListen() + " of " + key.location());
        }
        Optional<String> nameRefused = canHoldNames(userName, key);
        if (nameRefused.isPresent()) {
            return nameRefused;
        }
        if (switchboard.isDraining()) {
            return Optional.of("the relay is shutting down");
        }
        if (memory.refusesClients()) {
            refusals.limit(Limit.MAX_MEMORY);
            return Optional.of(memory.describe());
        }
        return Optional.empty();
    }

    /** Why {@code client}, holding {@code listenersHeld} listeners, may not add another; empty if it may. */
    Optional<String> canAddListener(String client, int listenersHeld) {
        if (maxListeners > 0 && listenersHeld >= maxListeners) {
            refusals.limit(Limit.MAX_LISTENERS_PER_CLIENT);
            return Optional.of(client + " holds " + listenersHeld
                    + " listeners, the most one client may (max-listeners-per-client)");
        }
        return Optional.empty();
    }

    /**
     * Why a client logged in as {@code userName} with {@code key} may not be found by its names now; empty if it may.
     * Asked again when authorized_keys changes, so a client can lose a name it listens under.
     */
    Optional<String> canHoldNames(String userName, AuthorizedKey key) {
        return names.refusal(userName, key);
    }

    /** Why {@code key} may not open a circuit to {@code target:port} now; empty if it may. */
    Optional<CircuitRefusedException> canConnect(AuthorizedKey key, String target, int port) {
        Optional<CircuitRefusedException> refusal = refusalToConnect(key, target, port);
        refusal.ifPresent(refusals::circuit);
        return refusal;
    }

    private Optional<CircuitRefusedException> refusalToConnect(AuthorizedKey key, String target, int port) {
        if (!key.has(Access.INITIATE)) {
            return Optional.of(CircuitRefusedException.prohibited("key " + key.fingerprint()
                    + " lacks access=\"initiate\""));
        }
        Optional<ConnectName> name = ConnectName.parse(target);
        if (name.isPresent() && !key.permits().mayOpen(name.get().name(), port)) {
            return Optional.of(CircuitRefusedException.prohibited(name.get() + ":" + port + " is not allowed by key "
                    + key.fingerprint() + "'s " + key.permits().describeOpen()));
        }
        if (memory.refusesCircuits()) {
            return Optional.of(CircuitRefusedException.limit(Limit.MAX_MEMORY, memory.describe()));
        }
        return Optional.empty();
    }
}
