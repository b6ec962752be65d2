package org.nuttssh.node;

import java.util.Optional;

import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.LocalFleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.events.EventHub;
import org.nuttssh.registry.LocalRegistry;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;

import io.vertx.core.Vertx;

/** A relay alone: names in memory, no other nodes, a plain Vert.x. No Hazelcast is loaded at all. */
public final class StandaloneNode implements RelayNode {

    private final NodeId id = NodeId.random();
    private final Registry registry = new LocalRegistry();
    private final Vertx vertx;

    private StandaloneNode(Vertx vertx) {
        this.vertx = vertx;
    }

    public static StandaloneNode start() {
        return new StandaloneNode(Vertx.vertx());
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public RemoteNodes remoteNodes() {
        return RemoteNodes.NONE;
    }

    @Override
    public Fleet serve(IncomingCircuits circuits, NodeAdmin admin) {
        return new LocalFleet(admin, this::view);
    }

    @Override
    public void relayEvents(EventHub events) {
        // No other node to tell, or to hear from.
    }

    @Override
    public ClusterView view() {
        return ClusterView.alone(id);
    }

    @Override
    public Optional<String> notReady() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "node " + id;
    }

    @Override
    public void close() {
        VertxClose.await(vertx);
    }
}
