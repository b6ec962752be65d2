package org.nuttssh.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How a node joins a cluster of relays.
 *
 * @param configFile Hazelcast XML; null means {@code ./cluster.xml} if present, else the one in the jar
 * @param name       cluster name: nodes only join a cluster of the same name
 * @param host       address for Hazelcast and event-bus traffic, or null to let them choose
 * @param members    {@code host[:port]} to join, replacing the file's member list; empty keeps the file's
 * @param publicHost address other nodes should use to reach this one (behind NAT or in containers), or null
 * @param tls        mutual TLS for the event bus, or null for plain TCP
 */
public record ClusterConfig(Path configFile, String name, String host, List<String> members, String publicHost,
                            ClusterTls tls) {

    public static final String DEFAULT_NAME = "nuttssh";

    public ClusterConfig {
        members = List.copyOf(members);
        if (name == null || name.isBlank()) {
            throw new SettingException("cluster-name", name, "a non-empty name");
        }
    }

    /**
     * PEM files for event-bus TLS; every node presents {@code cert} and trusts peers signed by {@code ca}.
     */
    public record ClusterTls(Path cert, Path key, Path ca) {
    }
}
