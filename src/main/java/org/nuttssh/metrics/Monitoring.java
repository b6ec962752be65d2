package org.nuttssh.metrics;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.nuttssh.StartupException;
import org.nuttssh.config.MetricsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

/**
 * A node's meters, and the HTTP server that exposes them with the health checks when a metrics port is configured.
 * The meters exist either way, so counts are the same whether or not anyone scrapes them.
 */
public final class Monitoring implements AutoCloseable {

    /** Closing an idle Vert.x takes milliseconds; this only bounds a stuck one. */
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(Monitoring.class);

    private final PrometheusMeterRegistry registry;
    private final MetricsServer server;
    private final Vertx ownVertx;

    private Monitoring(PrometheusMeterRegistry registry, MetricsServer server, Vertx ownVertx) {
        this.registry = registry;
        this.server = server;
        this.ownVertx = ownVertx;
    }

    /**
     * @param config       where to serve, or null to serve nothing
     * @param clusterVertx the cluster's Vert.x to serve on, or null on a single node (a plain one is made then)
     * @param readiness    null when ready for traffic, else why not
     */
    public static Monitoring start(MetricsConfig config, Vertx clusterVertx, RelayStatistics stats,
                                   Supplier<String> readiness) throws StartupException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Meters.bind(registry, stats);
        if (config == null) {
            return new Monitoring(registry, null, null);
        }
        Vertx ownVertx = clusterVertx == null ? Vertx.vertx() : null;
        try {
            MetricsServer server = MetricsServer.start(clusterVertx != null ? clusterVertx : ownVertx, config,
                    registry, readiness);
            return new Monitoring(registry, server, ownVertx);
        } catch (StartupException e) {
            closeVertx(ownVertx);
            registry.close();
            throw e;
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
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
        closeVertx(ownVertx);
        registry.close();
    }

    private static void closeVertx(Vertx vertx) {
        if (vertx == null) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("metrics Vert.x did not close cleanly: {}", e.toString());
        }
    }
}
