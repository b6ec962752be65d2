package org.nuttssh.admin;

import java.util.List;
import java.util.stream.Collectors;

import org.nuttssh.registry.Sighting;

/** The text of {@code list --offline}: one aligned row per name seen lately and not connected now. */
final class OfflineTable {

    private static final List<String> HEADER = List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE", "LAST-SEEN");
    static final String NOBODY = "no names offline\n";

    private OfflineTable() {
    }

    /** The address, node and ports are the ones it had when it was last seen. */
    static String render(List<Sighting> sightings) {
        if (sightings.isEmpty()) {
            return NOBODY;
        }
        TextTable table = new TextTable(HEADER);
        for (Sighting sighting : sightings) {
            table.add(List.of(sighting.name(), sighting.address(),
                    sighting.aliases().isEmpty() ? "-" : String.join(",", sighting.aliases()),
                    sighting.ports().stream().map(String::valueOf).collect(Collectors.joining(",")),
                    sighting.node().shortId(), ListingJson.time(sighting.lastSeen())));
        }
        return table.render();
    }
}
