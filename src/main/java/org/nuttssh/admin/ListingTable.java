package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.nuttssh.registry.Listing;

/** The text of {@code list}: one aligned row per listening client. */
final class ListingTable {

    private static final List<String> HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS");

    private ListingTable() {
    }

    static String render(List<Listing> listings) {
        if (listings.isEmpty()) {
            return "no listening clients\n";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Listing listing : listings) {
            rows.add(List.of(
                    listing.connectName(),
                    listing.record().address(),
                    listing.aliasNames().isEmpty() ? "-" : String.join(",", listing.aliasNames()),
                    listing.record().ports().keySet().stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        int[] widths = new int[HEADER.size()];
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
