package org.nuttssh.ssh;

import java.util.function.Supplier;

import org.nuttssh.admin.ClusterView;
import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.circuit.Refusals;
import org.nuttssh.circuit.SwitchboardView;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.metrics.Tally;
import org.nuttssh.registry.Registry;
import org.nuttssh.ssh.admission.AttemptLimit;
import org.nuttssh.ssh.admission.ConnectionGate;
import org.nuttssh.ssh.admission.SourcePenalties;
import org.nuttssh.ssh.admission.StartupGate;

/** This node's counts, gathered from the parts that keep them. */
final class NodeStatistics implements RelayStatistics {

    private final ConnectionGate gate;
    private final StartupGate startups;
    private final SourcePenalties penalties;
    private final ConnectedClients clients;
    private final SwitchboardView switchboard;
    private final Registry registry;
    private final AttemptLimit attempts;
    private final Refusals refusals;
    private final Tally<CertificateRefusal> certificates;
    private final MemoryGuard memory;
    private final WindowBudget windows;
    private final Supplier<ClusterView> cluster;
    private final Tally<?> webhook;
    private final Tally<?> proofs;

    /**
     * @param cluster the nodes as this one sees them; a single node sees itself
     * @param webhook what became of the events meant for the webhook
     * @param proofs  the other members' proofs of identity refused, by reason
     */
    NodeStatistics(ConnectionGate gate, StartupGate startups, SourcePenalties penalties, ConnectedClients clients,
                   SwitchboardView switchboard, Registry registry, AttemptLimit attempts, Refusals refusals,
                   Tally<CertificateRefusal> certificates,
                   MemoryGuard memory, WindowBudget windows, Supplier<ClusterView> cluster, Tally<?> webhook,
                   Tally<?> proofs) {
        this.gate = gate;
        this.startups = startups;
        this.penalties = penalties;
        this.clients = clients;
        this.switchboard = switchboard;
        this.registry = registry;
        this.attempts = attempts;
        this.refusals = refusals;
        this.certificates = certificates;
        this.memory = memory;
        this.windows = windows;
        this.cluster = cluster;
        this.webhook = webhook;
        this.proofs = proofs;
    }

    @Override
    public Tally<?> clusterProofRefusals() {
        return proofs;
    }

    @Override
    public Tally<?> webhookEvents() {
        return webhook;
    }

    @Override
    public int connectionsOpen() {
        return gate.open();
    }

    @Override
    public int connectionsUnauthenticated() {
        return startups.pending();
    }

    @Override
    public int penalisedSources() {
        return penalties.penalisedSources();
    }

    @Override
    public long penaltiesStarted() {
        return penalties.penaltiesStarted();
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
    public Tally<?> certificateRefusals() {
        return certificates;
    }

    @Override
    public Tally<?> circuitRefusals() {
        return refusals.circuits();
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
        return refusals.limits();
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
    public long windowsGranted() {
        return windows.granted();
    }

    @Override
    public long windowsBudget() {
        return windows.capacity();
    }

    @Override
    public int clusterMembers() {
        return cluster.get().members().size();
    }

    @Override
    public long clusterMerges() {
        return cluster.get().merges();
    }

    @Override
    public long registryResyncs() {
        return cluster.get().resyncs();
    }

    @Override
    public long registryUnreadable() {
        return cluster.get().unreadable();
    }

    @Override
    public long clusterRefused() {
        return cluster.get().refused();
    }

    @Override
    public boolean clusterInsecure() {
        return cluster.get().insecure();
    }

    @Override
    public int registryClients() {
        return registry.size();
    }

    @Override
    public int registryLocalNames() {
        return switchboard.localNames();
    }

    @Override
    public int registryNames() {
        return registry.names();
    }

    @Override
    public double registryUpkeepSeconds() {
        return cluster.get().upkeep().seconds();
    }

    @Override
    public long registryRecordsFetched() {
        return cluster.get().upkeep().recordsFetched();
    }
}
