package org.nuttssh.node;

import java.util.Optional;

import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.events.EventHub;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PresenceKeeper;
import org.nuttssh.registry.Registry;

import io.vertx.core.Vertx;

/**
 * This relay node, alone or one of a cluster: the one place where the two differ. The rest of the relay takes its
 * registry, its way to other nodes and its fleet from here and never asks which it is, the way Vert.x code uses the
 * same {@link Vertx} whether it is clustered or not. The composition root picks the implementation.
 */
public interface RelayNode extends AutoCloseable {

    NodeId id();

    /** Vert.x on this node: clustered or plain; the metrics server runs on it too. */
    Vertx vertx();

    /** The names of listening clients: this node's alone, or the cluster's; it is {@link #presence}. */
    Registry registry();

    /** The registry as it tells presence of clients coming and going; and what is remembered of names gone. */
    PresenceKeeper presence();

    /** How circuits reach listening clients connected to other nodes; a node alone has none. */
    RemoteNodes remoteNodes();

    /**
     * Starts taking requests from other nodes: circuits to the listening clients here, opened through
     * {@code circuits}, and operator questions, answered by {@code admin}. Call once, before clients connect.
     *
     * @return the operator commands' view of every node
     */
    Fleet serve(IncomingCircuits circuits, NodeAdmin admin);

    /**
     * Passes this node's events to the other nodes, and theirs to the {@code events} readers here; a node alone has
     * no other. Call once, with {@link #serve}.
     */
    void relayEvents(EventHub events);

    /** The nodes as this one sees them, itself included, and how the cluster has healed. */
    ClusterView view();

    /** Why this node should not get traffic now, for {@code /health/ready}; empty when it should. */
    Optional<String> notReady();

    /** Withdraws this node's clients from the registry and leaves; idempotent. */
    @Override
    void close();
}
