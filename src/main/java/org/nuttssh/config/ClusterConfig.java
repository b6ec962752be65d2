package org.nuttssh.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a node joins a cluster of relays.
 *
 * @param configFile Hazelcast XML; null means {@code ./cluster.xml} if present, else the one in the jar
 * @param name       cluster name: nodes only join a cluster of the same name
 * @param host       address for Hazelcast and event-bus traffic, or null to let them choose
 * @param members    {@code host[:port]} to join, replacing the file's member list; empty keeps the file's
 * @param publicHost address other nodes should use to reach this one (behind NAT or in containers), or null
 * @param security   how nodes prove themselves to each other and protect what they share
 */
public record ClusterConfig(Path configFile, String name, String host, List<String> members, String publicHost,
                            Security security) {

    public static final String DEFAULT_NAME = "nuttssh";

    public ClusterConfig {
        members = List.copyOf(members);
        if (name == null || name.isBlank()) {
            throw new SettingException("cluster-name", name, "a non-empty name");
        }
        Objects.requireNonNull(security, "security");
    }

    /** The cluster plane's protection: mutual TLS with sealed records, or nothing on a trusted network. */
    public sealed interface Security permits Secure, Insecure {
    }

    /**
     * Mutual TLS on the event bus, and registry records sealed under a key derived from a shared secret.
     *
     * @param tls    every node presents its certificate and trusts only peers signed by the cluster's CA
     * @param secret a file of at least 32 random bytes, the same on every node
     */
    public record Secure(ClusterTls tls, Path secret) implements Security {
        public Secure {
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(secret, "secret");
        }
    }

    /** {@code --cluster-insecure}: plain event bus and readable records, for a network nobody else can reach. */
    public record Insecure() implements Security {
    }

    /** PEM files: this node's certificate and key, and the CA that signs every node's certificate. */
    public record ClusterTls(Path cert, Path key, Path ca) {
    }
}
