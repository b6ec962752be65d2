package org.nuttssh.admin;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.nuttssh.registry.Listing;
import org.nuttssh.text.Printable;

/** The text of {@code list}: one aligned row per listening client. */
final class ListingTable {

    private static final List<String> HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS");
    private static final List<String> CLUSTER_HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE");
    private static final List<String> VERBOSE_HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE",
            "CONNECTED", "CIRCUITS", "BYTES", "CERTIFICATE");
    static final String NOBODY = "no listening clients\n";
    /** Shown for a client whose node did not answer. */
    static final String UNKNOWN = "?";

    private ListingTable() {
    }

    /** @param withNodes add the node each client is connected to (cluster mode) */
    static String render(List<Listing> listings, boolean withNodes) {
        if (listings.isEmpty()) {
            return NOBODY;
        }
        TextTable table = new TextTable(withNodes ? CLUSTER_HEADER : HEADER);
        for (Listing listing : listings) {
            List<String> row = new ArrayList<>(columns(listing));
            if (withNodes) {
                row.add(listing.record().node().shortId());
            }
            table.add(row);
        }
        return table.render();
    }

    /**
     * {@code list -v}: also the node, when the client connected (UTC), its open circuits, the bytes through them and
     * the certificate it logged in with (key ID, serial, CA), if any.
     *
     * @param traffic by client id; a client missing from it shows {@value #UNKNOWN}
     */
    static String renderVerbose(List<Listing> listings, Map<String, ClientTraffic> traffic) {
        if (listings.isEmpty()) {
            return NOBODY;
        }
        TextTable table = new TextTable(VERBOSE_HEADER);
        for (Listing listing : listings) {
            ClientTraffic counts = traffic.get(listing.record().id());
            List<String> row = new ArrayList<>(columns(listing));
            row.add(listing.record().node().shortId());
            row.add(listing.record().connectedAt().truncatedTo(ChronoUnit.SECONDS).toString());
            row.add(counts == null ? UNKNOWN : String.valueOf(counts.openCircuits()));
            row.add(counts == null ? UNKNOWN : String.valueOf(counts.bytes()));
            row.add(counts == null ? UNKNOWN
                    : counts.certificate() == null ? "-" : Printable.escape(counts.certificate()));
            table.add(row);
        }
        return table.render();
    }

    private static List<String> columns(Listing listing) {
        return List.of(
                listing.connectName(),
                listing.record().address(),
                listing.aliasNames().isEmpty() ? "-" : String.join(",", listing.aliasNames()),
                listing.record().ports().keySet().stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
}
