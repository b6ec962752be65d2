package org.nuttssh.metrics;

import java.util.Optional;
import java.util.function.Supplier;

import org.nuttssh.config.MetricsConfig;
import org.nuttssh.config.StartupException;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

/**
 * A node's meters, and the HTTP server that exposes them with the health checks when a metrics port is configured.
 * The meters exist either way, so counts are the same whether or not anyone scrapes them.
 */
public final class Monitoring implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final MetricsServer server;

    private Monitoring(PrometheusMeterRegistry registry, MetricsServer server) {
        this.registry = registry;
        this.server = server;
    }

    /**
     * @param config    where to serve, or null to serve nothing
     * @param vertx     the node's Vert.x, which the HTTP server runs on
     * @param readiness empty when ready for traffic, else why not
     */
    public static Monitoring start(MetricsConfig config, Vertx vertx, RelayStatistics stats,
                                   PresenceStatistics presence, Supplier<Optional<String>> readiness)
            throws StartupException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Meters.bind(registry, stats, presence);
        if (config == null) {
            return new Monitoring(registry, null);
        }
        try {
            return new Monitoring(registry, MetricsServer.start(vertx, config, registry, readiness));
        } catch (StartupException e) {
            registry.close();
            throw e;
        }
    }

    /** The HTTP port, or -1 when none is served. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    @Override
    public String toString() {
        return server == null ? "meters" : "metrics port " + server.port();
    }
}
