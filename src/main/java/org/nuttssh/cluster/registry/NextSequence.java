package org.nuttssh.cluster.registry;

import java.util.Map;

import com.hazelcast.map.EntryProcessor;

/**
 * Takes the next number of a counter held in a map entry: one more than the counter, and at least {@code floor}.
 * Hazelcast runs entry processors for one key one at a time on the partition's owner, so this is a cluster-wide
 * sequence that needs no clocks (and no CP subsystem, which the open-source edition lacks). The floor repairs the
 * counter after a split: the two sides counted on separately, and the merge keeps one side's counter, so a node
 * asks for no less than the highest number it has seen. Runs on every member, so it must stay in the shared jar.
 */
final class NextSequence implements EntryProcessor<String, Long, Long> {

    private static final long serialVersionUID = 1L;

    private final long floor;

    NextSequence(long floor) {
        this.floor = floor;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        long next = Math.max((entry.getValue() == null ? 0 : entry.getValue()) + 1, floor);
        entry.setValue(next);
        return next;
    }
}
