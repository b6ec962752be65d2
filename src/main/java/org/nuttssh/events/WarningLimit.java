package org.nuttssh.events;

import java.time.Duration;

import org.slf4j.Logger;

/**
 * A warning that may recur thousands of times a second (every dropped event), logged at most once per interval with
 * how many times it happened since the last line, so that the log says what is wrong without flooding.
 */
final class WarningLimit {

    private final long intervalNanos;
    // Guarded by this.
    private long lastNanos;
    private boolean logged;
    private long since;

    WarningLimit(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** @param format with two {@code {}}: {@code subject}, then the count since the last line */
    synchronized void warn(Logger log, String format, Object subject, long count) {
        since += count;
        long now = System.nanoTime();
        if (logged && now - lastNanos < intervalNanos) {
            return;
        }
        log.warn(format, subject, since);
        since = 0;
        lastNanos = now;
        logged = true;
    }
}
