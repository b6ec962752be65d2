package org.nuttssh.admin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NodeId;

/**
 * The text of {@code list -c}: how many listening clients each node holds, and the total, so that an operator of a
 * large fleet sees its spread without paging through every row.
 */
final class CountTable {

    private static final List<String> HEADER = List.of("NODE", "CLIENTS");
    static final String TOTAL = "total";

    private CountTable() {
    }

    /**
     * @param members the nodes this one sees; each gets a row, with 0 when it holds no client. A node that left and
     *                whose clients are still listed gets its row too, so the rows add up to the total.
     */
    static String render(List<Listing> listings, Collection<NodeId> members) {
        TextTable table = new TextTable(HEADER);
        perNode(listings, members).forEach((node, clients) -> table.add(List.of(node, String.valueOf(clients))));
        table.add(List.of(TOTAL, String.valueOf(listings.size())));
        return table.render();
    }

    /** The listings per node (its short id), in node order; each member has its count, 0 when it holds none. */
    static Map<String, Integer> perNode(List<Listing> listings, Collection<NodeId> members) {
        Map<String, Integer> byNode = new TreeMap<>();
        members.forEach(node -> byNode.put(node.shortId(), 0));
        listings.forEach(listing -> byNode.merge(listing.record().node().shortId(), 1, Integer::sum));
        return byNode;
    }
}
