package org.nuttssh.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.cluster.bus.ClusterEvents;
import org.nuttssh.cluster.bus.EventBusNodes;
import org.nuttssh.cluster.membership.ClusterFormats;
import org.nuttssh.cluster.membership.ClusterMembership;
import org.nuttssh.cluster.membership.EventBusSettings;
import org.nuttssh.cluster.membership.ProofRefusal;
import org.nuttssh.cluster.membership.SecretRotation;
import org.nuttssh.cluster.registry.HazelcastPresence;
import org.nuttssh.cluster.registry.HazelcastRegistry;
import org.nuttssh.cluster.registry.ListenerRecordJson;
import org.nuttssh.cluster.registry.PresenceCodec;
import org.nuttssh.cluster.registry.RecordCodec;
import org.nuttssh.cluster.registry.RepairTally;
import org.nuttssh.cluster.registry.SealedRecords;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.events.EventHub;
import org.nuttssh.metrics.Tally;
import org.nuttssh.node.CloseOrder;
import org.nuttssh.node.RelayNode;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PresenceKeeper;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;

/**
 * One node of a cluster of relays: Hazelcast membership, the shared registry, and cross-node circuits and operator
 * commands over the event bus. It heals: a node that is no longer a member loses its names and circuits at once,
 * and after a merge (or whenever the periodic check finds it out of step) the registry is repaired from the map.
 */
public final class ClusteredNode implements RelayNode {

    /**
     * How often the registry is checked against the other nodes' ledgers and the map: the safety net behind entry
     * events, which a crash can lose. A check in step reads 16 bytes per node, whatever the number of names.
     */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ClusteredNode.class);

    private final ClusterMembership membership;
    private final HazelcastRegistry registry;
    private final PresenceKeeper presence;
    private final EventBusNodes nodes;
    private final boolean insecure;
    private volatile ClusterFleet fleet;
    private volatile ClusterEvents events;

    private ClusteredNode(ClusterMembership membership, HazelcastRegistry registry, PresenceKeeper presence,
                          EventBusNodes nodes, boolean insecure) {
        this.membership = membership;
        this.registry = registry;
        this.presence = presence;
        this.nodes = nodes;
        this.insecure = insecure;
    }

    /**
     * Joins the cluster and loads the shared registry; blocks, so call it at start.
     *
     * @param proofRefusals counts the other members' proofs of identity this node refuses, by reason
     */
    public static ClusteredNode join(ClusterConfig config, PresenceConfig presence,
                                     Tally<ProofRefusal> proofRefusals) throws StartupException {
        return join(config, presence, UnaryOperator.identity(), true, proofRefusals);
    }

    /** With presence as by default, and proof refusals counted nowhere else. */
    static ClusteredNode join(ClusterConfig config, UnaryOperator<EventBusOptions> eventBus, boolean provenOnly)
            throws StartupException {
        return join(config, PresenceConfig.DEFAULT, eventBus, provenOnly,
                Tally.of(ProofRefusal.class, ProofRefusal::label));
    }

    /**
     * @param eventBus   what becomes of the event bus's options: tests weaken them to show that their checks fail
     * @param provenOnly whether the event bus routes to proven nodes only: tests of TLS alone turn it off
     */
    static ClusteredNode join(ClusterConfig config, PresenceConfig presence, UnaryOperator<EventBusOptions> eventBus,
                              boolean provenOnly, Tally<ProofRefusal> proofRefusals)
            throws StartupException {
        boolean insecure = config.security() instanceof ClusterConfig.Insecure;
        ClusterMembership membership = ClusterMembership.join(config, eventBus, provenOnly, proofRefusals);
        Optional<SecretRotation> secrets = membership.secrets();
        RecordCodec codec;
        PresenceCodec presenceCodec;
        if (secrets.isPresent()) {
            codec = new SealedRecords(secrets.get().keys(SealedRecords.KEY_PURPOSE));
            presenceCodec = PresenceCodec.sealed(secrets.get().keys(PresenceCodec.KEY_PURPOSE));
            log.info("cluster '{}': mutual TLS between nodes ({}), registry records sealed", config.name(),
                    EventBusSettings.tlsEngine());
        } else {
            log.warn("cluster '{}' is INSECURE (--cluster-insecure): nodes talk without TLS and store names and "
                    + "addresses readably in Hazelcast, so anyone who reaches the cluster ports can read, forge and "
                    + "redirect names and carry circuits; use it only on a network nobody else can reach",
                    config.name());
            codec = new ListenerRecordJson();
            presenceCodec = PresenceCodec.plain();
        }
        try {
            HazelcastRegistry registry = HazelcastRegistry.start(membership.hazelcast(), membership.nodeId(),
                    membership, codec);
            // A holder of only the secret sealed with before is to read none of this node's records from now on.
            secrets.ifPresent(rotation -> rotation.onSealingChanged(registry::reseal));
            EventBusNodes nodes = new EventBusNodes(membership.vertx(), membership.nodeId(), membership::nodes,
                    membership.signatures(), peer -> membership.formats().understands(peer, ClusterFormats.CREDIT));
            PresenceKeeper keeper = new PresenceKeeper(registry, HazelcastPresence.start(membership.hazelcast(),
                    presenceCodec, presence, membership.vertx()), Clock.systemUTC());
            return new ClusteredNode(membership, registry, keeper, nodes, insecure);
        } catch (RuntimeException e) {
            membership.close();
            throw e;
        }
    }

    @Override
    public NodeId id() {
        return membership.nodeId();
    }

    @Override
    public Vertx vertx() {
        return membership.vertx();
    }

    @Override
    public Registry registry() {
        return presence;
    }

    @Override
    public PresenceKeeper presence() {
        return presence;
    }

    @Override
    public RemoteNodes remoteNodes() {
        return nodes;
    }

    @Override
    public Fleet serve(IncomingCircuits circuits, NodeAdmin admin) {
        nodes.serve(circuits);
        membership.onNodeLeft(departed -> {
            // Every survivor records the departed node's clients as seen now: the node cannot any more.
            presence.lost(registry.clientsOf(departed));
            registry.purgeNode(departed);
            nodes.nodeLeft(departed);
            vertx().executeBlocking(() -> {
                registry.removeSlice(departed);
                return null;
            }, false).onFailure(e -> log.warn("cannot remove node {}'s listening clients from the cluster map; the "
                    + "next check retries: {}", departed.shortId(), e.toString()));
        });
        // Its records were not mirrored while it was unproven: read them now rather than at the next check.
        membership.onNodeProven(proven -> vertx().executeBlocking(() -> {
            repair("node " + proven.shortId() + " proven", () -> registry.proven(proven));
            nodes.greet(List.of(proven));
            return null;
        }, false));
        membership.onMerged(() -> {
            repair("merge", registry::resync);
            nodes.greet(membership.nodes());
        });
        // Checks read the map: a worker thread's job, never an event loop's.
        vertx().setPeriodic(CHECK_INTERVAL.toMillis(), timer -> vertx().executeBlocking(
                () -> repair("periodic check", registry::check), false));
        fleet = ClusterFleet.start(vertx(), admin, this::view, membership.signatures(), presence::offline);
        return fleet;
    }

    private Void repair(String cause, BooleanSupplier repair) {
        try {
            if (repair.getAsBoolean()) {
                log.info("registry repaired from the cluster map ({}): {} listening clients known", cause,
                        registry.size());
            }
        } catch (RuntimeException e) {
            log.warn("registry repair ({}) failed; the next check retries: {}", cause, e.toString());
        }
        return null;
    }

    @Override
    public void relayEvents(EventHub events) {
        this.events = new ClusterEvents(vertx(), id(), membership::nodes, membership.signatures(), events);
    }

    @Override
    public ClusterView view() {
        RepairTally repairs = registry.repairs();
        ClusterFleet answering = fleet;
        long refused = nodes.refused() + (answering == null ? 0 : answering.refused());
        return new ClusterView(id(), membership.nodes(), membership.merges(), repairs.repairs(),
                registry.unreadable(), refused, insecure,
                new ClusterView.Upkeep(repairs.seconds(), repairs.recordsFetched()), membership.formats().releases());
    }

    @Override
    public Optional<String> notReady() {
        return membership.isRunning() ? Optional.empty() : Optional.of("not a cluster member");
    }

    @Override
    public String toString() {
        return "node " + id() + ", clustered";
    }

    /** Stops answering other nodes, withdraws this node's names, then leaves. */
    @Override
    public void close() {
        CloseOrder.builder().close(events).close(fleet).close(registry).close(membership).build().close();
    }
}
