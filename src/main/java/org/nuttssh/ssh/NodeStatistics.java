package org.nuttssh.ssh;

import java.util.function.IntSupplier;

import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.Limit;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.metrics.Tally;

/** This node's counts, gathered from the parts that keep them. */
final class NodeStatistics implements RelayStatistics {

    private final ConnectionGate gate;
    private final ConnectedClients clients;
    private final Switchboard switchboard;
    private final AttemptLimit attempts;
    private final Tally<Limit> limits;
    private final MemoryGuard memory;
    private final IntSupplier members;

    /** @param members cluster members as this node sees them; a single node counts itself */
    NodeStatistics(ConnectionGate gate, ConnectedClients clients, Switchboard switchboard, AttemptLimit attempts,
                   Tally<Limit> limits, MemoryGuard memory, IntSupplier members) {
        this.gate = gate;
        this.clients = clients;
        this.switchboard = switchboard;
        this.attempts = attempts;
        this.limits = limits;
        this.memory = memory;
        this.members = members;
    }

    @Override
    public int connectionsOpen() {
        return gate.open();
    }

    @Override
    public long connectionsAccepted() {
        return gate.accepted();
    }

    @Override
    public int authenticatedClients() {
        return clients.count();
    }

    @Override
    public int listeningClients() {
        return switchboard.localListeningClients();
    }

    @Override
    public int listeners() {
        return switchboard.localListeners();
    }

    @Override
    public int circuitsOpen() {
        return switchboard.openCircuitCount();
    }

    @Override
    public long circuitsOpened() {
        return switchboard.openedCircuits();
    }

    @Override
    public Tally<?> circuitRefusals() {
        return switchboard.refusals();
    }

    @Override
    public long bytesUp() {
        return switchboard.bytesUp();
    }

    @Override
    public long bytesDown() {
        return switchboard.bytesDown();
    }

    @Override
    public long authFailures() {
        return attempts.failures();
    }

    @Override
    public Tally<?> limitRefusals() {
        return limits;
    }

    @Override
    public long memoryUsedAfterGc() {
        return memory.usedAfterGc();
    }

    @Override
    public long memoryBound() {
        return memory.bound();
    }

    @Override
    public int clusterMembers() {
        return members.getAsInt();
    }

    @Override
    public int registryClients() {
        return switchboard.registry().size();
    }
}
