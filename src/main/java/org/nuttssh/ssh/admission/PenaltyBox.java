package org.nuttssh.ssh.admission;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.nuttssh.net.CidrBlock;

/**
 * The penalty of each source, as OpenSSH's srclimit keeps them: an offence adds its time to the source's penalty,
 * which ends at a point in time (so it runs down as time passes) no later than {@code max} from now; a penalty that
 * ever reaches more than {@code min} is active, and refuses the source, until it ends. At most {@code maxSources}
 * are kept: beyond, the one that ends soonest is forgotten, so a flood of sources cannot grow the table, and what it
 * pushes out is what mattered least. Times are {@link System#nanoTime()}, passed in so that tests can make time pass.
 */
final class PenaltyBox {

    private static final class Penalty {
        final CidrBlock source;
        /** Tells apart penalties that end at the same nanosecond, for the order by end. */
        final long serial;
        long end;
        boolean active;

        Penalty(CidrBlock source, long serial, long end) {
            this.source = source;
            this.serial = serial;
            this.end = end;
        }
    }

    private final long minNanos;
    private final long maxNanos;
    private final int maxSources;
    private final Map<CidrBlock, Penalty> bySource = new HashMap<>();
    private final TreeSet<Penalty> byEnd = new TreeSet<>(Comparator.<Penalty>comparingLong(p -> p.end)
            .thenComparingLong(p -> p.serial));
    private long serials;
    private int active;

    PenaltyBox(Duration min, Duration max, int maxSources) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.maxSources = maxSources;
    }

    /** How long the source is still refused, if it is. */
    synchronized Optional<Duration> refusal(CidrBlock source, long now) {
        expire(now);
        Penalty penalty = bySource.get(source);
        return penalty != null && penalty.active ? Optional.of(Duration.ofNanos(penalty.end - now)) : Optional.empty();
    }

    /**
     * Adds an offence's {@code time} to the source's penalty.
     *
     * @return how long the source is refused from now, if this offence made its penalty active
     */
    synchronized Optional<Duration> penalise(CidrBlock source, Duration time, long now) {
        expire(now);
        Penalty penalty = bySource.get(source);
        if (penalty == null) {
            penalty = new Penalty(source, serials++, now + Math.min(time.toNanos(), maxNanos));
            bySource.put(source, penalty);
        } else {
            byEnd.remove(penalty);
            penalty.end = Math.min(penalty.end + time.toNanos(), now + maxNanos);
        }
        byEnd.add(penalty);
        boolean started = !penalty.active && penalty.end - now > minNanos;
        if (started) {
            penalty.active = true;
            active++;
        }
        while (bySource.size() > maxSources) {
            forget(byEnd.first());
        }
        return started && bySource.get(source) == penalty ? Optional.of(Duration.ofNanos(penalty.end - now))
                : Optional.empty();
    }

    /** Sources refused now. */
    synchronized int active(long now) {
        expire(now);
        return active;
    }

    /** Sources with a penalty, active or not yet. */
    synchronized int size() {
        return bySource.size();
    }

    private void expire(long now) {
        while (!byEnd.isEmpty() && byEnd.first().end - now <= 0) {
            forget(byEnd.first());
        }
    }

    private void forget(Penalty penalty) {
        byEnd.remove(penalty);
        bySource.remove(penalty.source);
        if (penalty.active) {
            active--;
        }
    }
}
