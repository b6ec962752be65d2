package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.Permits;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;

/**
 * What {@code list} shows a caller: what it may reach. A key narrowed by {@code permitopen=} sees only the clients it
 * may open a circuit to, and of each only the aliases and virtual ports it may open; its NAME stays, as the row's
 * handle. Every other caller, and an admin (whose {@code list -v} and {@code circuits} show every client anyway), sees
 * every client.
 */
final class Reachable {

    private Reachable() {
    }

    /** The listings {@code caller} may see, narrowed as above, in the same order. */
    static List<Listing> by(Caller caller, List<Listing> listings) {
        Permits permits = caller.permits();
        if (!permits.narrowsOpen() || caller.access().contains(Access.ADMIN)) {
            return listings;
        }
        List<Listing> reachable = new ArrayList<>();
        for (Listing listing : listings) {
            narrowed(listing, permits).ifPresent(reachable::add);
        }
        return reachable;
    }

    /** The listing as far as {@code permits} reach it; empty when they open none of its names on any of its ports. */
    private static Optional<Listing> narrowed(Listing listing, Permits permits) {
        ListenerRecord record = listing.record();
        SortedMap<Integer, String> ports = new TreeMap<>();
        record.ports().forEach((port, bindHost) -> {
            if (record.names().stream().anyMatch(name -> permits.mayOpen(name, port))) {
                ports.put(port, bindHost);
            }
        });
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        List<String> aliases = record.aliases().stream()
                .filter(alias -> ports.keySet().stream().anyMatch(port -> permits.mayOpen(alias, port))).toList();
        List<String> aliasNames = listing.aliasNames().stream()
                .filter(aliasName -> ConnectName.parse(aliasName)
                        .filter(name -> aliases.stream().anyMatch(alias -> alias.equals(name.name()))).isPresent())
                .toList();
        ListenerRecord visible = new ListenerRecord(record.id(), record.node(), record.hostname(), aliases, ports,
                record.address(), record.connectedAt(), record.sequence());
        return Optional.of(new Listing(visible, listing.connectName(), aliasNames));
    }
}
