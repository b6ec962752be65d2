package org.nuttssh.config;

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
        if (port < 0 || port > RelayConfig.MAX_PORT) {
            throw new SettingException("metrics-port", port, "0-" + RelayConfig.MAX_PORT);
        }
    }
}
