package org.nuttssh.registry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

/**
 * When a listening client was last seen connected, under which names and ports, on which node and from where: what
 * {@link Presence} remembers of it once it has gone.
 *
 * @param name     its hostname, as written; presence is kept per {@link ClientName#fold folded} hostname
 * @param aliases  its other names
 * @param ports    its virtual ports, ascending
 * @param node     the node that held it
 * @param address  its {@code ip:port}
 * @param lastSeen when it was last connected
 */
public record Sighting(String name, List<String> aliases, List<Integer> ports, NodeId node, String address,
                       Instant lastSeen) {

    public Sighting {
        aliases = List.copyOf(aliases);
        ports = List.copyOf(ports);
        // The shared map keeps milliseconds; a sighting must equal itself after the trip.
        lastSeen = lastSeen.truncatedTo(ChronoUnit.MILLIS);
    }

    /** A client as its record shows it, seen at {@code at}. */
    public static Sighting of(ListenerRecord record, Instant at) {
        List<String> names = record.names();
        return new Sighting(record.hostname(), names.subList(1, names.size()), List.copyOf(record.ports().keySet()),
                record.node(), record.address(), at);
    }

    /** What presence is kept under: the folded hostname. */
    public String key() {
        return ClientName.fold(name);
    }

    /** The hostname, then the aliases. */
    public List<String> names() {
        return Stream.concat(Stream.of(name), aliases.stream()).toList();
    }
}
