package org.nuttssh.auth.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a file's change check at a fixed delay; the files the relay follows (authorized_keys, revoked-keys) use it. */
public final class FilePolling {

    private static final Logger log = LoggerFactory.getLogger(FilePolling.class);

    private FilePolling() {
    }

    /** Runs {@code check} every {@code interval} on {@code scheduler}; stop it by shutting the scheduler down. */
    public static void every(ScheduledExecutorService scheduler, Duration interval, Path file, Runnable check) {
        Objects.requireNonNull(scheduler, "scheduler");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("watch interval must be positive, got " + interval);
        }
        long millis = Math.max(1, interval.toMillis());
        // An exception escaping a scheduled task would silently cancel all later runs, so none may escape.
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (Throwable t) {
                log.error("checking {} for changes failed; will retry", DisplayPath.of(file), t);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }
}
