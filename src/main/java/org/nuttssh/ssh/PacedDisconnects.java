package org.nuttssh.ssh;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paced part of a drain: lets the clients without open circuits go, oldest first, a few every tenth of a second
 * at the drain rate, so that they reconnect to the other nodes as a stream those can take rather than as one wave.
 * The clients still here stay reachable meanwhile; those with circuits are left for the rest of the drain.
 */
final class PacedDisconnects {

    /**
     * How often a batch goes. Ten a second keeps each batch small (20 clients at the default rate) with no timer per
     * client; the thread that drains sleeps in between, never an I/O thread.
     */
    static final Duration BATCH_INTERVAL = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(PacedDisconnects.class);

    private PacedDisconnects() {
    }

    /**
     * @param circuits  circuits a client (by id) takes part in; a client with any is skipped
     * @param perSecond disconnects a second; 0 for all at once
     * @return how many clients were disconnected
     */
    static int run(Collection<ClientConnection> clients, ToIntFunction<String> circuits, int perSecond, String reason)
            throws InterruptedException {
        List<ClientConnection> queue = clients.stream().sorted(Comparator.comparing(ClientConnection::connectedAt))
                .toList();
        log.info("shutting down: letting {} clients go, {} (drain-rate), those with open circuits once these end",
                queue.size(), perSecond == 0 ? "all at once" : perSecond + " a second");
        long start = System.nanoTime();
        int next = 0;
        int done = 0;
        while (next < queue.size()) {
            long due = perSecond == 0 ? Long.MAX_VALUE : due(perSecond, System.nanoTime() - start);
            while (next < queue.size() && done < due) {
                ClientConnection client = queue.get(next++);
                if (client.session().isOpen() && circuits.applyAsInt(client.id()) == 0) {
                    client.disconnect(reason);
                    done++;
                }
            }
            if (next < queue.size()) {
                TimeUnit.MILLISECONDS.sleep(BATCH_INTERVAL.toMillis());
            }
        }
        log.info("shutting down: {} clients without open circuits let go in {} ms", done,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return done;
    }

    /** Disconnects allowed by {@code elapsed}: a batch's worth at once, then {@code perSecond} a second. */
    static long due(int perSecond, long elapsedNanos) {
        long nanos = elapsedNanos + BATCH_INTERVAL.toNanos();
        return Math.max(1, (perSecond * nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }
}
