package org.nuttssh.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a piece of work that must end, failing the test if it does not: for parsers fed hostile input, where "never
 * hangs" is part of the contract. The limit is generous; it catches loops that would never end, not slowness.
 */
public final class Deadline {

    /** Far longer than any parse of a few kilobytes takes, even on a loaded machine. */
    public static final Duration GENEROUS = Duration.ofSeconds(10);

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "deadline");
        thread.setDaemon(true);
        return thread;
    });

    private Deadline() {
    }

    /** The result of {@code work}, or what it threw, as if it had been called directly. */
    public static <T> T within(Duration limit, Callable<T> work) throws Exception {
        Future<T> result = RUNNER.submit(work);
        try {
            return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new AssertionError("did not finish within " + limit.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            throw (Error) e.getCause();
        }
    }
}
