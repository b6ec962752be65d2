package org.nuttssh.auth.dns;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.nuttssh.net.IpAddress;

/** Starts the reverse lookups of client addresses on the threads given to them. */
public final class ReverseLookups {

    /** Reverse lookups wait on the network, not the CPU: a few threads keep one slow answer from holding up others. */
    private static final int THREADS = 4;
    /**
     * Lookups waiting for a thread. At a slow resolver's pace a lookup further back would finish after its client
     * has authenticated (a name still unknown then fails closed) or given up, so a longer queue would only hold
     * memory; a lookup that finds it full leaves the name unknown.
     */
    private static final int QUEUE = 256;

    private final HostNameResolver resolver;
    private final Executor executor;

    public ReverseLookups(HostNameResolver resolver, Executor executor) {
        this.resolver = resolver;
        this.executor = executor;
    }

    /** The threads lookups run on, for the relay to shut down when it closes. */
    public static ExecutorService threads() {
        return new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                runnable -> {
                    Thread thread = new Thread(runnable, "nuttssh-dns");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Starts a lookup of {@code address}; an executor with a full queue makes none, and the name stays unknown. */
    public HostNameLookup start(IpAddress address) {
        CompletableFuture<Optional<String>> result;
        try {
            result = CompletableFuture.supplyAsync(() -> resolver.verifiedName(address), executor);
        } catch (RejectedExecutionException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return new HostNameLookup(address, result);
    }
}
