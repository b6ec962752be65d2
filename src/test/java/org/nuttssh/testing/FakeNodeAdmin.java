package org.nuttssh.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.nuttssh.admin.CircuitView;
import org.nuttssh.admin.ClientTraffic;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.registry.NodeId;

/** A node's clients as fixed answers for the operator commands: one listening client, one circuit; records kicks. */
public final class FakeNodeAdmin implements NodeAdmin {
    private final NodeId id;
    private final List<String> kicked = new ArrayList<>();

    public FakeNodeAdmin(NodeId id) {
        this.id = id;
    }

    @Override
    public NodeId node() {
        return id;
    }

    @Override
    public List<ClientTraffic> traffic() {
        return List.of(new ClientTraffic(id + "-1", 2, 1000));
    }

    @Override
    public List<CircuitView> circuits() {
        return List.of(new CircuitView("alice@10.0.0.1:5000", "gw1:22", Instant.ofEpochSecond(1_700_000_000),
                12, 34, id, new NodeId("nodeB")));
    }

    /** Kicks succeed for client ids that start with this node's id, as the ids this node hands out do. */
    @Override
    public synchronized boolean kick(String clientId, String by) {
        kicked.add(clientId + " by " + by);
        return clientId.startsWith(id.value());
    }

    public synchronized List<String> kicked() {
        return List.copyOf(kicked);
    }
}
