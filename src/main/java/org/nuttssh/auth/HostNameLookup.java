package org.nuttssh.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.nuttssh.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A reverse DNS lookup for one session's client address, running on the DNS executor. */
final class HostNameLookup {
    private static final Logger log = LoggerFactory.getLogger(HostNameLookup.class);

    private final IpAddress address;
    private final CompletableFuture<Optional<String>> result;
    /** Set once a wait timed out, so that later key attempts of the same session do not wait again. */
    private volatile boolean givenUp;

    private HostNameLookup(IpAddress address, CompletableFuture<Optional<String>> result) {
        this.address = address;
        this.result = result;
    }

    static HostNameLookup start(IpAddress address, HostNameResolver resolver, Executor executor) {
        CompletableFuture<Optional<String>> result;
        try {
            result = CompletableFuture.supplyAsync(() -> resolver.verifiedName(address), executor);
        } catch (RejectedExecutionException e) {
            log.warn("cannot look up the host name of {}: the DNS executor refused the task ({})", address,
                    e.getMessage());
            result = CompletableFuture.completedFuture(Optional.empty());
        }
        return new HostNameLookup(address, result);
    }

    IpAddress address() {
        return address;
    }

    /** The verified host name, or null if there is none or it did not arrive within {@code wait}. */
    String name(Duration wait) {
        if (givenUp) {
            return result.getNow(Optional.empty()).orElse(null);
        }
        try {
            return result.get(wait.toNanos(), TimeUnit.NANOSECONDS).orElse(null);
        } catch (TimeoutException e) {
            givenUp = true;
            log.warn("reverse DNS of {} did not finish within {} ms; checking from= without a host name", address,
                    wait.toMillis());
            return null;
        } catch (ExecutionException e) {
            log.warn("reverse DNS of {} failed: {}; checking from= without a host name", address, e.getCause());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
