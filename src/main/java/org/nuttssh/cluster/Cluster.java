package org.nuttssh.cluster;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.nuttssh.StartupException;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.EventBusNodes;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.registry.HazelcastRegistry;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;

/**
 * Everything a relay node needs to be part of a cluster: membership, the shared registry, and cross-node circuits,
 * wired so that a departed member's names and circuits are dropped at once.
 */
public final class Cluster implements AutoCloseable {

    /** How often the registry is checked against membership, the safety net behind membership events. */
    static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    private final ClusterNode node;
    private final HazelcastRegistry registry;

    private Cluster(ClusterNode node, HazelcastRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    /** Joins the cluster and loads the shared registry; blocks, so call it at start. */
    public static Cluster join(ClusterConfig config) throws StartupException {
        ClusterNode node = ClusterNode.join(config);
        return new Cluster(node, HazelcastRegistry.start(node.hazelcast(), node.nodeId()));
    }

    public String nodeId() {
        return node.nodeId();
    }

    public Registry registry() {
        return registry;
    }

    ClusterNode node() {
        return node;
    }

    /** The clustered Vert.x; the metrics server runs on it too. */
    public Vertx vertx() {
        return node.vertx();
    }

    /** Whether this node is still a running cluster member, for readiness. */
    public boolean joined() {
        return node.hazelcast().getLifecycleService().isRunning();
    }

    /** Members as this node sees them, itself included. */
    public int memberCount() {
        return node.hazelcast().getCluster().getMembers().size();
    }

    /** Answers the other nodes' operator requests about the clients here, and asks them for theirs. */
    public ClusterFleet serveAdmin(NodeAdmin admin) {
        return ClusterFleet.start(node.vertx().eventBus(), admin, node::memberIds);
    }

    /** Starts serving circuits for other nodes through {@code switchboard}, and watching membership. */
    public void serve(Switchboard switchboard, ScheduledExecutorService scheduler) {
        EventBusNodes nodes = EventBusNodes.start(node.vertx().eventBus(), node.nodeId(), switchboard);
        node.onMemberLeft(departed -> {
            registry.purgeNode(departed);
            nodes.nodeLeft(departed);
        });
        long millis = RECONCILE_INTERVAL.toMillis();
        scheduler.scheduleWithFixedDelay(this::reconcile, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void reconcile() {
        try {
            registry.reconcile(node.memberIds());
        } catch (RuntimeException e) {
            log.warn("registry reconciliation failed; will retry: {}", e.toString());
        }
    }

    /** Withdraws this node's names, then leaves. */
    @Override
    public void close() {
        registry.close();
        node.close();
    }
}
