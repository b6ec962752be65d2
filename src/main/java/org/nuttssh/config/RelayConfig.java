package org.nuttssh.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the relay needs to start, validated once by whoever builds it (the command line today).
 *
 * @param bind              address to listen on
 * @param port              SSH port; 0 picks a free one
 * @param hostKey           the server's private host key file
 * @param authorizedKeys    the client keys file, re-read when it changes
 * @param keepAliveInterval how often to probe an idle client; zero disables probing
 * @param keepAliveCount    unanswered probes before a client is dropped
 * @param useDns            resolve client addresses to names for {@code from=} globs (like OpenSSH's UseDNS)
 * @param proxyProtocol     every connection starts with a PROXY v1/v2 header naming the real client
 * @param cluster           how to join a cluster, or null for a single node (no Hazelcast at all)
 * @param ciphers           comma-separated SSH ciphers to offer, see {@link Ciphers}
 */
public record RelayConfig(String bind, int port, Path hostKey, Path authorizedKeys,
                          Duration keepAliveInterval, int keepAliveCount, boolean useDns,
                          boolean proxyProtocol, ClusterConfig cluster, String ciphers) {

    /** A single node with defaults for everything but the files and address; for tests and embedding. */
    public static RelayConfig singleNode(String bind, int port, Path hostKey, Path authorizedKeys) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS),
                DEFAULT_KEEPALIVE_COUNT, false, false, null, Ciphers.DEFAULT);
    }

    public RelayConfig withKeepAlive(Duration interval, int count) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, interval, count, useDns, proxyProtocol, cluster,
                ciphers);
    }

    public RelayConfig withProxyProtocol(boolean on) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns, on,
                cluster, ciphers);
    }

    public RelayConfig withCluster(ClusterConfig newCluster) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                proxyProtocol, newCluster, ciphers);
    }

    public static final String DEFAULT_BIND = "0.0.0.0";
    /** The year the Nutt sisters became the first women telephone operators. */
    public static final int DEFAULT_PORT = 1878;
    public static final String DEFAULT_HOST_KEY = "./ssh_host_key";
    public static final String DEFAULT_AUTHORIZED_KEYS = "./authorized_keys";
    public static final int DEFAULT_KEEPALIVE_SECONDS = 30;
    public static final int DEFAULT_KEEPALIVE_COUNT = 3;

    public RelayConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (keepAliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepalive interval: " + keepAliveInterval + " (expected: >= 0)");
        }
        Ciphers.parse(ciphers);
        if (keepAliveCount < 1) {
            throw new IllegalArgumentException("keepalive count: " + keepAliveCount + " (expected: >= 1)");
        }
    }
}
