package org.nuttssh.auth.dns;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/**
 * Starts the reverse lookups of client addresses so that no source can hold up the lookups of others. Whoever
 * controls an address's reverse zone decides how slowly its lookup answers, and a blocked lookup holds a thread
 * until the system resolver gives up (5 s a try by default, several tries), which nothing in the JDK can cut short.
 * So:
 *
 * <ul>
 *   <li>connections from one address share the lookup in flight for it;</li>
 *   <li>a source (an IPv4 address, an IPv6 /64) may have {@link #PER_SOURCE} lookups in flight; another from it is
 *       refused;</li>
 *   <li>a lookup runs at once on a free thread or is refused: it never waits in a queue behind slow ones, where it
 *       would only start after its client's login had given up waiting (2 s at most) anyway.</li>
 * </ul>
 *
 * A refused lookup leaves the name unknown, which fails closed ({@link HostName#UNKNOWN}); the login goes on at
 * once, judged by its address. Many hostile sources at once can still take every thread: then lookups are refused,
 * but no login waits longer than it would have.
 */
public final class ReverseLookups {

    /**
     * Lookups running at once. They wait on the network, not the CPU; each waiting thread costs its stack. Enough for
     * a fleet reconnecting at a prompt resolver's pace (a lookup of a few ms, at the few hundred handshakes a second
     * a node completes), and 16 hostile sources' worth of slow ones.
     */
    static final int THREADS = 32;
    /**
     * Distinct addresses of one source looked up at once: one address needs one (its connections share it), a second
     * leaves room for another address of the same IPv6 /64; more can only be a source picking addresses to tie up
     * threads.
     */
    static final int PER_SOURCE = 2;
    /** An idle thread ends after this long, so that a burst's threads do not stay. */
    private static final long IDLE_SECONDS = 30;

    private final HostNameResolver resolver;
    private final Executor executor;
    /** Under this object's lock: the lookups in flight, by address, and how many each source has. */
    private final Map<IpAddress, CompletableFuture<Optional<String>>> inFlight = new HashMap<>();
    private final Map<CidrBlock, Integer> perSource = new HashMap<>();

    /** @param executor runs a lookup at once or refuses it ({@link #threads()}) */
    public ReverseLookups(HostNameResolver resolver, Executor executor) {
        this.resolver = resolver;
        this.executor = executor;
    }

    /** The threads lookups run on: up to {@link #THREADS}, with no queue. The relay shuts them down when it closes. */
    public static ExecutorService threads() {
        return new ThreadPoolExecutor(0, THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "nuttssh-dns");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Starts a lookup of {@code address}, or joins the one in flight; a refused one leaves the name unknown. */
    public HostNameLookup start(IpAddress address) {
        return new HostNameLookup(address, lookup(address));
    }

    private synchronized CompletableFuture<Optional<String>> lookup(IpAddress address) {
        CompletableFuture<Optional<String>> running = inFlight.get(address);
        if (running != null) {
            return running;
        }
        CidrBlock source = CidrBlock.sourceOf(address);
        int before = perSource.getOrDefault(source, 0);
        if (before >= PER_SOURCE) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(before + " lookups from " + source
                    + " are under way, the most one source may have"));
        }
        CompletableFuture<Optional<String>> result = new CompletableFuture<>();
        try {
            executor.execute(() -> resolve(address, source, result));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("all " + THREADS
                    + " lookup threads are waiting for answers", e));
        }
        if (!result.isDone()) { // an executor that runs it on this thread has finished it already
            inFlight.put(address, result);
            perSource.put(source, before + 1);
        }
        return result;
    }

    private void resolve(IpAddress address, CidrBlock source, CompletableFuture<Optional<String>> result) {
        try {
            result.complete(resolver.verifiedName(address));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        } finally {
            finished(address, source, result);
        }
    }

    private synchronized void finished(IpAddress address, CidrBlock source, CompletableFuture<Optional<String>> result) {
        if (inFlight.remove(address, result)) {
            perSource.computeIfPresent(source, (key, count) -> count == 1 ? null : count - 1);
        }
    }
}
