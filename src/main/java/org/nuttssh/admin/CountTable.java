package org.nuttssh.admin;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NodeId;

/**
 * The text of {@code list -c}: how many listening clients each node holds, and the total, so that an operator of a
 * large fleet sees its spread without paging through every row; and each node's release, so that the operator of a
 * rolling upgrade sees how far it got ({@code ?} for a node that left while its clients are still listed).
 */
final class CountTable {

    private static final List<String> HEADER = List.of("NODE", "CLIENTS", "RELEASE");
    static final String TOTAL = "total";

    private CountTable() {
    }

    /**
     * @param nodes the nodes this one sees; each gets a row, with 0 when it holds no client. A node that left and
     *              whose clients are still listed gets its row too, so the rows add up to the total.
     */
    static String render(List<Listing> listings, ClusterView nodes) {
        TextTable table = new TextTable(HEADER);
        perNode(listings, nodes.members()).forEach((node, clients) -> table.add(List.of(node.shortId(),
                String.valueOf(clients), nodes.releaseOf(node))));
        table.add(List.of(TOTAL, String.valueOf(listings.size())));
        return table.render();
    }

    /** The listings per node, in the order of their short ids; each member has its count, 0 when it holds none. */
    static Map<NodeId, Integer> perNode(List<Listing> listings, Collection<NodeId> members) {
        Map<NodeId, Integer> byNode = new TreeMap<>(Comparator.comparing(NodeId::shortId));
        members.forEach(node -> byNode.put(node, 0));
        listings.forEach(listing -> byNode.merge(listing.record().node(), 1, Integer::sum));
        return byNode;
    }
}
