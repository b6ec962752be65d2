package org.nuttssh.metrics;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.nuttssh.config.MetricsConfig;
import org.nuttssh.config.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A small HTTP server for monitoring: {@code /metrics} in the Prometheus text format, {@code /health/live} (the
 * process answers) and {@code /health/ready} (it should get traffic), for load balancer checks. Requests are answered
 * on a Vert.x event loop; everything they read is in memory.
 */
public final class MetricsServer implements AutoCloseable {

    public static final String METRICS = "/metrics";
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    /** The Prometheus text exposition format, version 0.0.4, which every scraper reads. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final int OK = 200;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int UNAVAILABLE = 503;
    /** Binding a local port is quick; longer means something is wrong. */
    private static final long START_TIMEOUT_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts serving; blocks until the port is bound.
     *
     * @param readiness empty when ready, else why not (e.g. "shutting down")
     */
    public static MetricsServer start(Vertx vertx, MetricsConfig config, PrometheusMeterRegistry registry,
                                      Supplier<Optional<String>> readiness) throws StartupException {
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> answer(request, registry, readiness));
        try {
            server.listen(config.port(), config.bind()).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new StartupException("cannot serve metrics on " + config.bind() + " port " + config.port() + ": "
                    + e.getCause().getMessage() + (config.port() == 0 ? "" : "; pick another with --metrics-port"));
        } catch (TimeoutException e) {
            throw new StartupException("cannot serve metrics on " + config.bind() + " port " + config.port()
                    + ": no answer within " + START_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the metrics server");
        }
        log.info("metrics on http://{}:{}{} (health: {}, {})", config.bind(), server.actualPort(), METRICS, LIVE,
                READY);
        return new MetricsServer(server);
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return server.actualPort();
    }

    private static void answer(HttpServerRequest request, PrometheusMeterRegistry registry,
                               Supplier<Optional<String>> readiness) {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().setStatusCode(METHOD_NOT_ALLOWED).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        switch (request.path()) {
            case METRICS -> request.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(registry.scrape());
            case LIVE -> text(request, OK, "live\n");
            case READY -> readiness.get().ifPresentOrElse(
                    why -> text(request, UNAVAILABLE, "not ready: " + why + "\n"),
                    () -> text(request, OK, "ready\n"));
            default -> text(request, NOT_FOUND, "not found; try " + METRICS + ", " + LIVE + " or " + READY + "\n");
        }
    }

    private static void text(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("metrics server did not close cleanly: {}", e.toString());
        }
    }
}
