package org.nuttssh.cluster;

import java.time.Duration;
import java.util.Optional;

import org.nuttssh.config.StartupException;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.cluster.bus.EventBusNodes;
import org.nuttssh.cluster.registry.HazelcastRegistry;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.node.CloseOrder;
import org.nuttssh.node.RelayNode;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;

/**
 * One node of a cluster of relays: Hazelcast membership, the shared registry, and cross-node circuits and operator
 * commands over the event bus, wired so that a departed member's names and circuits are dropped at once.
 */
public final class ClusteredNode implements RelayNode {

    /** How often the registry is checked against membership, the safety net behind membership events. */
    static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ClusteredNode.class);

    private final ClusterMembership membership;
    private final HazelcastRegistry registry;
    private final EventBusNodes nodes;
    private volatile ClusterFleet fleet;

    private ClusteredNode(ClusterMembership membership, HazelcastRegistry registry, EventBusNodes nodes) {
        this.membership = membership;
        this.registry = registry;
        this.nodes = nodes;
    }

    /** Joins the cluster and loads the shared registry; blocks, so call it at start. */
    public static ClusteredNode join(ClusterConfig config) throws StartupException {
        ClusterMembership membership = ClusterMembership.join(config);
        try {
            HazelcastRegistry registry = HazelcastRegistry.start(membership.hazelcast());
            return new ClusteredNode(membership, registry, new EventBusNodes(membership.vertx().eventBus(),
                    membership.nodeId()));
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
        return registry;
    }

    @Override
    public RemoteNodes remoteNodes() {
        return nodes;
    }

    @Override
    public Fleet serve(Switchboard switchboard, NodeAdmin admin) {
        nodes.serve(switchboard);
        membership.onMemberLeft(departed -> {
            registry.purgeNode(departed);
            nodes.nodeLeft(departed);
        });
        // Reconciling reads the whole map: a worker thread's job, never an event loop's.
        vertx().setPeriodic(RECONCILE_INTERVAL.toMillis(), timer -> vertx().executeBlocking(this::reconcile, false));
        fleet = ClusterFleet.start(vertx().eventBus(), admin, membership::memberIds);
        return fleet;
    }

    private Void reconcile() {
        try {
            registry.reconcile(membership.memberIds());
        } catch (RuntimeException e) {
            log.warn("registry reconciliation failed; will retry: {}", e.toString());
        }
        return null;
    }

    @Override
    public int memberCount() {
        return membership.memberIds().size();
    }

    @Override
    public Optional<String> notReady() {
        return membership.hazelcast().getLifecycleService().isRunning()
                ? Optional.empty()
                : Optional.of("not a cluster member");
    }

    @Override
    public String toString() {
        return "node " + id() + ", clustered";
    }

    /** Stops answering other nodes, withdraws this node's names, then leaves. */
    @Override
    public void close() {
        CloseOrder.builder().close(fleet).close(registry).close(membership).build().close();
    }
}
