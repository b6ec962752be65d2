package org.nuttssh.testing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

/**
 * A listening client's record, built from what a test looks at. The rest is plain: no aliases, port 22 bound as
 * {@code localhost}, from 10.0.0.1:1, connected at the epoch, and not yet registered (sequence 0).
 */
public final class Records {
    private final String id;
    private final NodeId node;
    private final String hostname;
    private List<String> aliases = List.of();
    private SortedMap<Integer, String> ports = new TreeMap<>(Map.of(22, "localhost"));
    private Instant connectedAt = Instant.EPOCH;
    private long sequence;

    private Records(String id, NodeId node, String hostname) {
        this.id = id;
        this.node = node;
        this.hostname = hostname;
    }

    public static Records listener(String id, NodeId node, String hostname) {
        return new Records(id, node, hostname);
    }

    public Records aliases(List<String> names) {
        aliases = names;
        return this;
    }

    /** Instead of port 22: these, each bound as {@code localhost}. */
    public Records ports(int... virtualPorts) {
        ports = new TreeMap<>();
        for (int port : virtualPorts) {
            ports.put(port, "localhost");
        }
        return this;
    }

    public Records connectedAt(Instant time) {
        connectedAt = time;
        return this;
    }

    public Records sequence(long value) {
        sequence = value;
        return this;
    }

    public ListenerRecord build() {
        return new ListenerRecord(id, node, hostname, aliases, ports, "10.0.0.1:1", connectedAt, sequence);
    }
}
