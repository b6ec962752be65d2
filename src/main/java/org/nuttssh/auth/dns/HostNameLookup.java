package org.nuttssh.auth.dns;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nuttssh.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A reverse DNS lookup for one session's client address, as {@link ReverseLookups} started it. */
public final class HostNameLookup {
    private static final Logger log = LoggerFactory.getLogger(HostNameLookup.class);

    private final IpAddress address;
    private final CompletableFuture<Optional<String>> result;
    /** Set once the unknown name was reported, so that later key attempts of the same session do not log again. */
    private final AtomicBoolean reported = new AtomicBoolean();

    HostNameLookup(IpAddress address, CompletableFuture<Optional<String>> result) {
        this.address = address;
        this.result = result;
    }

    public IpAddress address() {
        return address;
    }

    /** Runs {@code then} once the lookup has finished, or after {@code wait} at the latest, on another thread. */
    public void whenSettled(Duration wait, Runnable then) {
        result.copy().completeOnTimeout(Optional.empty(), wait.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((name, failure) -> then.run());
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** The name as known now, without waiting: an I/O thread may ask. */
    public HostName now() {
        if (!result.isDone()) {
            report("is still under way");
            return HostName.UNKNOWN;
        }
        return settled();
    }

    /** The name, waiting for it up to {@code wait}; only off the I/O threads. */
    public HostName await(Duration wait) {
        try {
            result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            report("did not finish within " + wait.toMillis() + " ms");
            return HostName.UNKNOWN;
        } catch (ExecutionException e) {
            // reported by settled()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HostName.UNKNOWN;
        }
        return settled();
    }

    private HostName settled() {
        try {
            return HostName.of(result.join().orElse(null));
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            report(cause instanceof RejectedExecutionException
                    ? "was not made: " + cause.getMessage() : "failed: " + cause);
            return HostName.UNKNOWN;
        }
    }

    private void report(String what) {
        if (reported.compareAndSet(false, true)) {
            log.warn("reverse DNS of {} {}; host-name patterns in from= do not admit it (a negated one refuses it)",
                    address, what);
        }
    }
}
