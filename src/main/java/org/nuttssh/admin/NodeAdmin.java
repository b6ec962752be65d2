package org.nuttssh.admin;

import java.util.List;

import org.nuttssh.registry.NodeId;

/** What one relay node reports and does for the operator commands, about the clients connected to it. */
public interface NodeAdmin {

    /** This node's id. */
    NodeId node();

    /** The circuits of each listening client connected here. */
    List<ClientTraffic> traffic();

    /** The circuits whose initiator is connected here. */
    List<CircuitView> circuits();

    /**
     * Disconnects a client connected here.
     *
     * @param by the operator's name, for the log
     * @return false if no client with that id is connected here (any more)
     */
    boolean kick(String clientId, String by);
}
