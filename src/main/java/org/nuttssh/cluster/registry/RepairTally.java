package org.nuttssh.cluster.registry;

import java.util.concurrent.atomic.AtomicLong;

/** What keeping the registry in step has cost so far: for metrics, and for the bench's model of idle cost. */
public final class RepairTally {

    private final AtomicLong repairs = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();

    void took(long elapsedNanos, boolean repaired) {
        nanos.addAndGet(elapsedNanos);
        if (repaired) {
            repairs.incrementAndGet();
        }
    }

    void fetched(int records) {
        fetched.addAndGet(records);
    }

    /** Checks and resyncs that found the registry out of step and repaired it. */
    public long repairs() {
        return repairs.get();
    }

    /** Wall-clock time spent in checks and resyncs, waits on the network included, in seconds. */
    public double seconds() {
        return nanos.get() / 1e9;
    }

    /** Records read from the shared map by resyncs and slice repairs (checks in step read none). */
    public long recordsFetched() {
        return fetched.get();
    }
}
