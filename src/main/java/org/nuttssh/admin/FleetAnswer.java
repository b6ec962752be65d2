package org.nuttssh.admin;

import java.util.List;

import org.nuttssh.registry.NodeId;

/**
 * What the nodes of the relay answered to a question asked of all of them.
 *
 * @param items       the answers, merged
 * @param silentNodes nodes that did not answer in time; their part is missing from {@code items}
 */
public record FleetAnswer<T>(List<T> items, List<NodeId> silentNodes) {

    public FleetAnswer {
        items = List.copyOf(items);
        silentNodes = List.copyOf(silentNodes);
    }
}
