package org.nuttssh.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests, for something that happens on another thread or in another process: a bounded poll that fails
 * with what it waited for. The limits are generous, because a loaded two-core CI machine must never make a test
 * flake; a test that passes returns as soon as the condition holds.
 */
public final class Await {

    /** Long enough for a Hazelcast member to be declared dead and a cluster to rebalance on a busy machine. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Waits up to {@link #TIMEOUT} for {@code condition}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits for {@code probe} to find something, and returns it. */
    public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            pause();
        }
    }

    /**
     * A negative check: {@code condition} must hold the whole time, polled throughout rather than looked at once
     * after a sleep, so that it fails as soon as it breaks.
     */
    public static void holds(String what, Duration during, BooleanSupplier condition) {
        long end = System.nanoTime() + during.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            pause();
        } while (System.nanoTime() < end);
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
