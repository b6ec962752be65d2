package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.nuttssh.circuit.EventBusNodes;
import org.nuttssh.registry.Listing;

/** The text of {@code list}: one aligned row per listening client. */
final class ListingTable {

    private static final List<String> HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS");
    private static final List<String> CLUSTER_HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE");

    private ListingTable() {
    }

    /** @param withNodes add the node each client is connected to (cluster mode) */
    static String render(List<Listing> listings, boolean withNodes) {
        if (listings.isEmpty()) {
            return "no listening clients\n";
        }
        List<String> header = withNodes ? CLUSTER_HEADER : HEADER;
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (Listing listing : listings) {
            List<String> row = new ArrayList<>(List.of(
                    listing.connectName(),
                    listing.record().address(),
                    listing.aliasNames().isEmpty() ? "-" : String.join(",", listing.aliasNames()),
                    listing.record().ports().keySet().stream().map(String::valueOf).collect(Collectors.joining(","))));
            if (withNodes) {
                row.add(EventBusNodes.shortId(listing.record().node()));
            }
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                boolean last = i == row.size() - 1;
                text.append(last ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            text.append('\n');
        }
        return text.toString();
    }
}
