package org.nuttssh.registry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the registry knows about one listening client: enough to route a circuit to it and to show it in {@code list}.
 *
 * @param id          unique for the lifetime of the connection, cluster-wide (node id plus a per-node counter)
 * @param node        the node that holds the client's SSH connection
 * @param hostname    the client's main name
 * @param aliases     extra names
 * @param ports       virtual port to the exact bind-host string the client sent in {@code tcpip-forward}; the
 *                    {@code forwarded-tcpip} open must echo it or OpenSSH drops the circuit
 * @param address     the client's address, for {@code list} and logs
 * @param connectedAt when the SSH connection was authenticated
 * @param sequence    assigned by the registry on first registration, higher is newer; 0 until then. Ordering
 *                    by it rather than by time keeps "newest wins" independent of node clocks
 */
public record ListenerRecord(String id, NodeId node, String hostname, List<String> aliases,
                             SortedMap<Integer, String> ports, String address, Instant connectedAt, long sequence) {

    public ListenerRecord {
        aliases = List.copyOf(aliases);
        ports = new TreeMap<>(ports);
        // The shared map keeps milliseconds; a record must equal itself after the trip.
        connectedAt = connectedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * The hostname first, then the aliases, each as written, without duplicates: an alias that is the hostname or an
     * earlier alias in another case ({@link ClientName#same}) is the same name.
     */
    public List<String> names() {
        List<String> names = new ArrayList<>(1 + aliases.size());
        names.add(hostname);
        for (String alias : aliases) {
            if (names.stream().noneMatch(name -> ClientName.same(name, alias))) {
                names.add(alias);
            }
        }
        return names;
    }

    public ListenerRecord withSequence(long newSequence) {
        return new ListenerRecord(id, node, hostname, aliases, ports, address, connectedAt, newSequence);
    }
}
