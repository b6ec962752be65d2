package org.nuttssh.node;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Vertx;

/** Closing a Vert.x from a thread that may wait: stops its servers and timers and, when clustered, leaves. */
public final class VertxClose {

    /**
     * Closing takes milliseconds alone and a few seconds in a cluster (partitions migrate); this only bounds a stuck
     * close, which must not keep the process from exiting.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(VertxClose.class);

    private VertxClose() {
    }

    /** Closes and waits; a failure is logged, since there is nothing left to do about it. */
    public static void await(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Vert.x did not close cleanly: {}", e.toString());
        }
    }
}
