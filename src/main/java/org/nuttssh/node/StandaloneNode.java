package org.nuttssh.node;

import java.time.Clock;
import java.util.Optional;

import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.LocalFleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.circuit.RemoteNodes;
import org.nuttssh.circuit.IncomingCircuits;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.registry.LocalPresence;
import org.nuttssh.events.EventHub;
import org.nuttssh.registry.LocalRegistry;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PresenceKeeper;
import org.nuttssh.registry.Registry;

import io.vertx.core.Vertx;

/** A relay alone: names and presence in memory, no other nodes, a plain Vert.x. No Hazelcast is loaded at all. */
public final class StandaloneNode implements RelayNode {

    private final NodeId id = NodeId.random();
    private final PresenceKeeper registry;
    private final Vertx vertx;

    private StandaloneNode(Vertx vertx, PresenceConfig presence) {
        this.vertx = vertx;
        Clock clock = Clock.systemUTC();
        this.registry = new PresenceKeeper(new LocalRegistry(), new LocalPresence(presence, clock), clock);
    }

    public static StandaloneNode start(PresenceConfig presence) {
        return new StandaloneNode(Vertx.vertx(), presence);
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
    public PresenceKeeper presence() {
        return registry;
    }

    @Override
    public RemoteNodes remoteNodes() {
        return RemoteNodes.NONE;
    }

    @Override
    public Fleet serve(IncomingCircuits circuits, NodeAdmin admin) {
        return new LocalFleet(admin, this::view, registry::offline);
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
