package org.nuttssh.cluster.registry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts map values that do not open as records (or presence entries), and says so in the log at most once a minute:
 * a node with another secret, or a stranger writing to the map, would otherwise fill the log, once per value per
 * resync.
 */
final class UnreadableRecords {

    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** Record keys are a node id and a number, well under this. */
    private static final int MAX_KEY_SHOWN = 80;

    private static final Logger log = LoggerFactory.getLogger(UnreadableRecords.class);

    /** What the values should have been, for the log. */
    private final String what;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong sinceLastLog = new AtomicLong();

    UnreadableRecords() {
        this("records");
    }

    UnreadableRecords(String what) {
        this.what = what;
    }

    void seen(String key) {
        count.incrementAndGet();
        long pending = sinceLastLog.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLogNanos.get();
        if (now - due >= 0 && nextLogNanos.compareAndSet(due, now + LOG_INTERVAL.toNanos())) {
            sinceLastLog.addAndGet(-pending);
            log.warn("ignored {} value(s) in the cluster map that do not open as {}, the latest under key '{}': "
                    + "a node with another cluster secret, or something that is not a relay writing to the map",
                    pending, what, shortened(key));
        }
    }

    long count() {
        return count.get();
    }

    /** Anyone on the cluster network can write a key: it reaches the log shortened (and escaped, as all text is). */
    private static String shortened(String key) {
        return key.length() > MAX_KEY_SHOWN ? key.substring(0, MAX_KEY_SHOWN) + "..." : key;
    }
}
