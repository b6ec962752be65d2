package org.nuttssh.config;

import org.nuttssh.net.Ports;

/**
 * Where {@code /metrics}, {@code /health/live} and {@code /health/ready} are served over HTTP.
 *
 * @param bind address to listen on
 * @param port TCP port; 0 picks a free one (logged)
 */
public record MetricsConfig(String bind, int port) {

    /** Every interface, like the SSH port: load balancers probe the health endpoints from outside. */
    public static final String DEFAULT_BIND = "0.0.0.0";

    public MetricsConfig {
        if (port < 0 || port > Ports.MAX) {
            throw new SettingException("metrics-port", port, "0-" + Ports.MAX);
        }
    }
}
