package org.nuttssh.config;

import org.nuttssh.net.Ports;

/**
 * Where {@code /metrics}, {@code /health/live} and {@code /health/ready} are served over HTTP.
 *
 * @param bind address to listen on
 * @param port TCP port; 0 picks a free one (logged)
 */
public record MetricsConfig(String bind, int port) {

    /**
     * Loopback: the metrics and health endpoints need no credentials and say much about the fleet, so they are
     * reachable from elsewhere only when the operator says so (a load balancer or Prometheus on another host).
     */
    public static final String DEFAULT_BIND = "127.0.0.1";

    public MetricsConfig {
        if (port < 0 || port > Ports.MAX) {
            throw new SettingException("metrics-port", port, "0-" + Ports.MAX);
        }
    }
}
