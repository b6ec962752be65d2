package org.nuttssh.ssh;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import org.nuttssh.circuit.Listeners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paced part of a drain: lets the clients without open circuits go, oldest first, a few every tenth of a second
 * at the drain rate, so that they reconnect to the other nodes as a stream those can take rather than as one wave.
 * The clients still here stay reachable meanwhile; those with circuits are left for the rest of the drain.
 *
 * <p>Each client leaves the registry {@link Listeners#UNLISTED_BEFORE_LEAVING} before it is disconnected: an open
 * that found it by name just before every node heard still reaches it, instead of finding it gone ("stopped
 * listening") after it was resolved, which no node can wait for. Opens from then on wait for it to come back
 * (reconnect-wait).
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

    private record Unlisted(DrainedClient client, long atNanos) {
    }

    /**
     * @param circuits  circuits a client (by id) takes part in; a client with any is skipped
     * @param perSecond clients let go a second; 0 for all at once
     * @return how many clients were disconnected
     */
    static int run(Collection<? extends DrainedClient> clients, ToIntFunction<String> circuits, int perSecond,
                   String reason) throws InterruptedException {
        List<DrainedClient> queue = new ArrayList<>(clients);
        queue.sort(Comparator.comparing(DrainedClient::connectedAt));
        log.info("shutting down: letting {} clients go, {} (drain-rate), those with open circuits once these end",
                queue.size(), perSecond == 0 ? "all at once" : perSecond + " a second");
        long start = System.nanoTime();
        ArrayDeque<Unlisted> settling = new ArrayDeque<>();
        // Unlisted long enough, but given a circuit meanwhile: each goes as soon as its circuits end, while this runs.
        List<DrainedClient> busy = new ArrayList<>();
        int next = 0;
        int unlisted = 0;
        int done = 0;
        while (true) {
            long now = System.nanoTime();
            long due = perSecond == 0 ? Long.MAX_VALUE : due(perSecond, now - start);
            while (next < queue.size() && unlisted < due) {
                DrainedClient client = queue.get(next++);
                if (client.isConnected() && circuits.applyAsInt(client.id()) == 0) {
                    // Should the registry fail to take it, the withdrawal at its disconnection tries again.
                    client.unlist();
                    settling.add(new Unlisted(client, now));
                    unlisted++;
                }
            }
            long settled = now - Listeners.UNLISTED_BEFORE_LEAVING.toNanos();
            while (!settling.isEmpty() && settling.peek().atNanos() - settled <= 0) {
                busy.add(settling.poll().client());
            }
            for (var each = busy.iterator(); each.hasNext(); ) {
                DrainedClient client = each.next();
                if (!client.isConnected()) {
                    each.remove();
                } else if (circuits.applyAsInt(client.id()) == 0) {
                    client.disconnect(reason);
                    each.remove();
                    done++;
                }
            }
            if (next == queue.size() && settling.isEmpty()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(BATCH_INTERVAL.toMillis());
        }
        log.info("shutting down: {} clients without open circuits let go in {} ms{}", done,
                Duration.ofNanos(System.nanoTime() - start).toMillis(), busy.isEmpty() ? ""
                        : "; " + busy.size() + " got a circuit as they left and go when it ends");
        return done;
    }

    /** Disconnects allowed by {@code elapsed}: a batch's worth at once, then {@code perSecond} a second. */
    static long due(int perSecond, long elapsedNanos) {
        long nanos = elapsedNanos + BATCH_INTERVAL.toNanos();
        return Math.max(1, (perSecond * nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }
}
