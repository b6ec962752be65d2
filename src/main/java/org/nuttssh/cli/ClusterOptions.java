package org.nuttssh.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.StartupException;

import picocli.CommandLine.Option;

/** The {@code cluster-*} settings, and the rule that a cluster is secure unless the operator says otherwise. */
final class ClusterOptions {

    @Option(names = "--cluster", arity = "0..1", paramLabel = "BOOL",
            description = "Join a cluster of relays sharing one name registry (Hazelcast).")
    boolean cluster;

    @Option(names = "--cluster-config", paramLabel = "FILE",
            description = "Hazelcast XML (default: ./cluster.xml if present, else the one in the jar).")
    Path clusterConfig;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = ClusterConfig.DEFAULT_NAME,
            description = "Only nodes with the same name form a cluster (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--cluster-host", paramLabel = "ADDR",
            description = "Address for Hazelcast and event-bus traffic between nodes.")
    String clusterHost;

    @Option(names = "--cluster-members", paramLabel = "LIST", split = ",",
            description = "Comma-separated host[:port] of nodes to join; replaces the member list in the file.")
    List<String> clusterMembers = new ArrayList<>();

    @Option(names = "--cluster-dns", paramLabel = "NAME",
            description = "A DNS name that resolves to every node (Kubernetes headless Service, compose service); "
                    + "nodes find each other by it instead of a member list.")
    String clusterDns;

    @Option(names = "--cluster-public-host", paramLabel = "ADDR",
            description = "Address other nodes use to reach this one, when behind NAT or in a container.")
    String clusterPublicHost;

    @Option(names = "--cluster-tls-cert", paramLabel = "FILE",
            description = "This node's PEM certificate for mutual TLS between nodes (see cluster-certs).")
    Path clusterTlsCert;

    @Option(names = "--cluster-tls-key", paramLabel = "FILE", description = "This node's PEM private key.")
    Path clusterTlsKey;

    @Option(names = "--cluster-tls-ca", paramLabel = "FILE",
            description = "The PEM CA that signs every node's certificate; peers must present one.")
    Path clusterTlsCa;

    @Option(names = "--cluster-secret", paramLabel = "FILE",
            description = "At least 32 random bytes, the same on every node; seals the shared registry's records.")
    Path clusterSecret;

    @Option(names = "--cluster-insecure", arity = "0..1", paramLabel = "BOOL",
            description = "Run the cluster without TLS and sealed records, only on a network nobody else reaches.")
    boolean clusterInsecure;

    /** The cluster settings, checked; null for a node alone. */
    ClusterConfig clusterConfig() throws StartupException {
        List<Path> secureFiles = Arrays.asList(clusterTlsCert, clusterTlsKey, clusterTlsCa, clusterSecret);
        if (!cluster) {
            boolean clusterFlags = clusterConfig != null || clusterHost != null || !clusterMembers.isEmpty()
                    || clusterDns != null
                    || clusterPublicHost != null || secureFiles.stream().anyMatch(Objects::nonNull) || clusterInsecure
                    || !ClusterConfig.DEFAULT_NAME.equals(clusterName);
            if (clusterFlags) {
                throw new StartupException("--cluster-* options need --cluster");
            }
            return null;
        }
        return new ClusterConfig(clusterConfig, clusterName, clusterHost, clusterMembers, clusterDns, clusterPublicHost,
                clusterSecurity(secureFiles));
    }

    /** Secure unless the operator says otherwise: a cluster refuses to start without TLS and a secret. */
    private ClusterConfig.Security clusterSecurity(List<Path> secureFiles) throws StartupException {
        if (clusterInsecure) {
            if (secureFiles.stream().anyMatch(Objects::nonNull)) {
                throw new StartupException("--cluster-insecure and --cluster-tls-*/--cluster-secret exclude each "
                        + "other; drop one");
            }
            return new ClusterConfig.Insecure();
        }
        if (secureFiles.stream().anyMatch(Objects::isNull)) {
            throw new StartupException("--cluster needs --cluster-tls-cert, --cluster-tls-key, --cluster-tls-ca and "
                    + "--cluster-secret, so that only your nodes join in: make them once with 'java -jar nuttssh.jar "
                    + "cluster-certs --dir DIR NODE...' and give each node its own; or, on a network nobody else "
                    + "can reach, --cluster-insecure");
        }
        return new ClusterConfig.Secure(new ClusterConfig.ClusterTls(clusterTlsCert, clusterTlsKey, clusterTlsCa),
                clusterSecret);
    }
}
