package org.nuttssh.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.nuttssh.net.Ports;

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
 * @param limits            caps on connections, attempts, listeners and circuits
 * @param metrics           where to serve /metrics and /health/*, or null for nowhere
 * @param shutdownGrace     how long open circuits may run on after a SIGTERM
 */
public record RelayConfig(String bind, int port, Path hostKey, Path authorizedKeys,
                          Duration keepAliveInterval, int keepAliveCount, boolean useDns,
                          boolean proxyProtocol, ClusterConfig cluster, String ciphers, Limits limits,
                          MetricsConfig metrics, Duration shutdownGrace) {

    /** A single node with defaults for everything but the files and address; for tests and embedding. */
    public static RelayConfig singleNode(String bind, int port, Path hostKey, Path authorizedKeys) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS),
                DEFAULT_KEEPALIVE_COUNT, false, false, null, Ciphers.DEFAULT, Limits.defaults(), null,
                Duration.ofSeconds(DEFAULT_SHUTDOWN_GRACE_SECONDS));
    }

    public RelayConfig withKeepAlive(Duration interval, int count) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, interval, count, useDns, proxyProtocol, cluster,
                ciphers, limits, metrics, shutdownGrace);
    }

    public RelayConfig withProxyProtocol(boolean on) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns, on,
                cluster, ciphers, limits, metrics, shutdownGrace);
    }

    public RelayConfig withCluster(ClusterConfig newCluster) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                proxyProtocol, newCluster, ciphers, limits, metrics, shutdownGrace);
    }

    public RelayConfig withLimits(Limits newLimits) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                proxyProtocol, cluster, ciphers, newLimits, metrics, shutdownGrace);
    }

    public RelayConfig withMetrics(MetricsConfig newMetrics) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                proxyProtocol, cluster, ciphers, limits, newMetrics, shutdownGrace);
    }

    public RelayConfig withShutdownGrace(Duration grace) {
        return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                proxyProtocol, cluster, ciphers, limits, metrics, grace);
    }

    public static final String DEFAULT_BIND = "0.0.0.0";
    /** The year the Nutt sisters became the first women telephone operators. */
    public static final int DEFAULT_PORT = 1878;
    public static final String DEFAULT_HOST_KEY = "./ssh_host_key";
    public static final String DEFAULT_AUTHORIZED_KEYS = "./authorized_keys";
    public static final int DEFAULT_KEEPALIVE_SECONDS = 30;
    public static final int DEFAULT_KEEPALIVE_COUNT = 3;
    /** Long enough for an interactive session or a file copy to finish, short enough for a rolling restart. */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

    public RelayConfig {
        if (port < 0 || port > Ports.MAX) {
            throw new SettingException("port", port, "0-" + Ports.MAX);
        }
        if (keepAliveInterval.isNegative()) {
            throw new SettingException("keepalive-interval", keepAliveInterval.toSeconds(),
                    "0 (no probes) or more seconds");
        }
        Ciphers.parse(ciphers);
        if (keepAliveCount < 1) {
            throw new SettingException("keepalive-count", keepAliveCount, "1 or more");
        }
        Objects.requireNonNull(limits, "limits");
        if (shutdownGrace.isNegative()) {
            throw new SettingException("shutdown-grace", shutdownGrace.toSeconds(), "0 or more seconds");
        }
    }
}
