package org.nuttssh.cluster.registry;

import java.util.Map;

import com.hazelcast.map.EntryProcessor;

/**
 * Adds one to a counter held in a map entry and returns the new value. Hazelcast runs entry processors for one key
 * one at a time on the partition's owner, so this is a cluster-wide sequence that needs no clocks (and no CP
 * subsystem, which the open-source edition lacks). Runs on every member, so it must stay in the shared jar.
 */
final class SequenceIncrement implements EntryProcessor<String, Long, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, Long> entry) {
        long next = (entry.getValue() == null ? 0 : entry.getValue()) + 1;
        entry.setValue(next);
        return next;
    }
}
