package org.nuttssh.cluster.registry;

import java.util.List;

import org.nuttssh.registry.NodeId;

/** Which relay nodes are members of the cluster now, as far as this node can tell. */
@FunctionalInterface
public interface NodeMembers {

    /** The relay nodes that are members now, this one included. */
    List<NodeId> nodes();

    /**
     * Whether every member of the cluster is known as a node (or as none). While a member has yet to prove which node
     * it is (just after it joined or merged back), a node missing from {@link #nodes} may still be there, and its
     * records must not be taken for a departed node's.
     */
    default boolean settled() {
        return true;
    }
}
