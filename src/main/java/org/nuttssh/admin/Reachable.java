package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;

import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.Permits;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.Sighting;

/**
 * What {@code list} shows a caller: what it may reach. A key narrowed by {@code permitopen=} sees only the clients it
 * may open a circuit to, and of each only the aliases and virtual ports it may open; its NAME stays, as the row's
 * handle. Every other caller, and an admin (whose {@code list -v} and {@code circuits} show every client anyway), sees
 * every client. The names gone that {@code list --offline} shows are narrowed alike, by the names and ports they had.
 */
final class Reachable {

    private Reachable() {
    }

    /** The listings {@code caller} may see, narrowed as above, in the same order. */
    static List<Listing> by(Caller caller, List<Listing> listings) {
        return narrowedFor(caller, listings, Reachable::narrowed);
    }

    /** The names gone {@code caller} may see: as for listings, by the names and ports they had. */
    static List<Sighting> offline(Caller caller, List<Sighting> sightings) {
        return narrowedFor(caller, sightings, Reachable::narrowed);
    }

    private static <T> List<T> narrowedFor(Caller caller, List<T> rows,
                                           BiFunction<T, Permits, Optional<T>> narrow) {
        Permits permits = caller.permits();
        if (!permits.narrowsOpen() || caller.access().contains(Access.ADMIN)) {
            return rows;
        }
        List<T> reachable = new ArrayList<>();
        for (T row : rows) {
            narrow.apply(row, permits).ifPresent(reachable::add);
        }
        return reachable;
    }

    /** The listing as far as {@code permits} reach it; empty when they open none of its names on any of its ports. */
    private static Optional<Listing> narrowed(Listing listing, Permits permits) {
        ListenerRecord record = listing.record();
        SortedMap<Integer, String> ports = new TreeMap<>(record.ports());
        ports.keySet().retainAll(openPorts(record.names(), record.ports().keySet(), permits));
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        List<String> aliases = openAliases(record.aliases(), ports.keySet(), permits);
        List<String> aliasNames = listing.aliasNames().stream()
                .filter(aliasName -> ConnectName.parse(aliasName)
                        .filter(name -> aliases.stream().anyMatch(alias -> alias.equals(name.name()))).isPresent())
                .toList();
        ListenerRecord visible = new ListenerRecord(record.id(), record.node(), record.hostname(), aliases, ports,
                record.address(), record.connectedAt(), record.sequence());
        return Optional.of(new Listing(visible, listing.connectName(), aliasNames));
    }

    private static Optional<Sighting> narrowed(Sighting sighting, Permits permits) {
        List<Integer> ports = openPorts(sighting.names(), sighting.ports(), permits);
        return ports.isEmpty() ? Optional.empty() : Optional.of(new Sighting(sighting.name(),
                openAliases(sighting.aliases(), ports, permits), ports, sighting.node(), sighting.address(),
                sighting.lastSeen()));
    }

    /** The ports that {@code permits} open under any of the names, in order. */
    private static List<Integer> openPorts(List<String> names, Collection<Integer> ports, Permits permits) {
        return ports.stream().filter(port -> names.stream().anyMatch(name -> permits.mayOpen(name, port))).toList();
    }

    /** The aliases that {@code permits} open on any of the ports. */
    private static List<String> openAliases(List<String> aliases, Collection<Integer> ports, Permits permits) {
        return aliases.stream().filter(alias -> ports.stream().anyMatch(port -> permits.mayOpen(alias, port)))
                .toList();
    }
}
