package org.nuttssh.cluster.registry;

import java.util.function.LongSupplier;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;

/**
 * The shared listener counter that nodes of release df46318 number their listening clients with ({@link
 * NextSequence}). This release never reads it, but keeps it a number for them while they may be members: a value of
 * another type (any member can write one, and one stopped every registration of theirs) is counted as unreadable and
 * replaced with the highest sequence this node has seen, which their floor would have asked for anyway.
 */
final class OldSequence extends EntryChanges<Long> {

    private final IMap<String, Object> counters;
    private final LongSupplier highest;
    private final RegistryMirror mirror;

    OldSequence(IMap<String, Object> counters, RegistryMirror mirror) {
        super(Long.class);
        this.counters = counters;
        this.highest = mirror::highestSequence;
        this.mirror = mirror;
    }

    @Override
    protected void stored(EntryEvent<String, Long> event) {
        // A number: what the nodes of release df46318 need.
    }

    @Override
    protected void removed(EntryEvent<String, Long> event) {
        // They count from their floor then.
    }

    @Override
    protected void malformed(EntryEvent<?, ?> event) {
        mirror.malformed(String.valueOf(event.getKey()));
        if (HazelcastRegistry.SEQUENCE.equals(event.getKey())) {
            counters.setAsync(HazelcastRegistry.SEQUENCE, highest.getAsLong());
        }
    }
}
