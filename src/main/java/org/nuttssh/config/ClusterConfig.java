package org.nuttssh.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins a cluster of relays.
 *
 * @param configFile Hazelcast XML; null means {@code ./cluster.xml} if present, else the one in the jar
 * @param name       cluster name: nodes only join a cluster of the same name
 * @param host       address for Hazelcast and event-bus traffic, or null to let them choose
 * @param members    {@code host[:port]} to join, replacing the file's member list; empty keeps the file's
 * @param dns        a DNS name that resolves to every node (a headless Service, a compose service), asked again on
 *                   every join attempt and merge check; null to use the member list
 * @param publicHost address other nodes should use to reach this one (behind NAT or in containers), or null
 * @param security   how nodes prove themselves to each other and protect what they share
 */
public record ClusterConfig(Path configFile, String name, String host, List<String> members, String dns,
                            String publicHost, Security security) {

    public static final String DEFAULT_NAME = "nuttssh";
    /** Letters, digits, dashes and dots, as a DNS host name is written; no port: every node uses the member port. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    public ClusterConfig {
        members = List.copyOf(members);
        if (name == null || name.isBlank()) {
            throw new SettingException("cluster-name", name, "a non-empty name");
        }
        if (dns != null && !members.isEmpty()) {
            throw new SettingException("cluster-dns", dns, "no cluster-members with it: the name finds the members");
        }
        if (dns != null && !HOST_NAME.matcher(dns).matches()) {
            throw new SettingException("cluster-dns", dns, "a DNS name such as relay or relay.nuttssh.svc");
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
