package org.nuttssh.cluster.bus;

import java.util.Optional;

import org.nuttssh.registry.NodeId;

/**
 * The event-bus addresses each node consumes, {@code nuttssh.node.<id>.<purpose>}: one for circuit opens, one for
 * the frames of all its circuits, one for operator requests. Each belongs to one node, which the event bus reaches
 * only at the member that proved that node's id.
 */
public final class NodeAddresses {

    private static final String PREFIX = "nuttssh.node.";

    private NodeAddresses() {
    }

    static String open(NodeId node) {
        return PREFIX + node + ".open";
    }

    static String frames(NodeId node) {
        return PREFIX + node + ".frames";
    }

    public static String admin(NodeId node) {
        return PREFIX + node + ".admin";
    }

    /** The node an address belongs to, or empty for an address that is no node's. */
    public static Optional<NodeId> owner(String address) {
        if (!address.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = address.indexOf('.', PREFIX.length());
        return end > PREFIX.length() ? Optional.of(new NodeId(address.substring(PREFIX.length(), end)))
                : Optional.empty();
    }
}
