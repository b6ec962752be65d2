package org.nuttssh.cluster.registry;

import java.util.Map;

import com.hazelcast.map.EntryProcessor;

/**
 * The shared listener counter's next number, as nodes of release df46318 take it for each new listening client: one
 * more than the counter, and at least {@code floor}. This release numbers its listeners itself ({@link
 * HazelcastRegistry#register}) and runs this only for such nodes, where it owns the counter's partition: so it must
 * stay in the shared jar and the deserialisation filter's list while they may be members. A counter that is not a
 * number (any member can write one) counts from the floor and is put back a number, rather than failing every
 * registration of theirs.
 */
final class NextSequence implements EntryProcessor<String, Object, Long> {

    private static final long serialVersionUID = 1L;

    private final long floor;

    NextSequence(long floor) {
        this.floor = floor;
    }

    @Override
    public Long process(Map.Entry<String, Object> entry) {
        long next = Math.max((entry.getValue() instanceof Long counter ? counter : 0) + 1, floor);
        entry.setValue(next);
        return next;
    }
}
