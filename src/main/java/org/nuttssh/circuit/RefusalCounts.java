package org.nuttssh.circuit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Circuits refused on this node, by reason; {@link RefusalReason#REMOTE} is left to the node that decided it. */
public final class RefusalCounts {

    private final Map<RefusalReason, LongAdder> counts = new EnumMap<>(RefusalReason.class);

    RefusalCounts() {
        for (RefusalReason reason : RefusalReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    void count(RefusalReason reason) {
        if (reason != RefusalReason.REMOTE) {
            counts.get(reason).increment();
        }
    }

    public long get(RefusalReason reason) {
        return counts.get(reason).sum();
    }
}
