package org.nuttssh.ssh;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.nuttssh.config.Limit;

/** How often each limit has turned something away on this node. */
public final class LimitRefusals {

    private final Map<Limit, LongAdder> counts = new EnumMap<>(Limit.class);

    LimitRefusals() {
        for (Limit limit : Limit.values()) {
            counts.put(limit, new LongAdder());
        }
    }

    void count(Limit limit) {
        counts.get(limit).increment();
    }

    public long get(Limit limit) {
        return counts.get(limit).sum();
    }
}
