package org.nuttssh.cluster.bus;

import org.nuttssh.registry.NodeId;

/** The event-bus addresses each node consumes: one for circuit opens, one for the frames of all its circuits. */
final class NodeAddresses {

    private NodeAddresses() {
    }

    static String open(NodeId node) {
        return "nuttssh.node." + node + ".open";
    }

    static String frames(NodeId node) {
        return "nuttssh.node." + node + ".frames";
    }
}
