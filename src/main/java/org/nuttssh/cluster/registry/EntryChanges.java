package org.nuttssh.cluster.registry;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

/**
 * A listener to a shared map that needs to know only whether an entry now holds a value or is gone, however it came
 * to: added, updated or merged after a split (which plain entry events do not announce); removed, evicted or expired.
 * Events for one key arrive in order, on a Hazelcast event thread: never block in them.
 */
public abstract class EntryChanges<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
        EntryMergedListener<String, V>, EntryRemovedListener<String, V>, EntryEvictedListener<String, V>,
        EntryExpiredListener<String, V> {

    /** The entry holds {@code event.getValue()} now. */
    protected abstract void stored(EntryEvent<String, V> event);

    /** The entry is gone. */
    protected abstract void removed(EntryEvent<String, V> event);

    @Override
    public final void entryAdded(EntryEvent<String, V> event) {
        stored(event);
    }

    @Override
    public final void entryUpdated(EntryEvent<String, V> event) {
        stored(event);
    }

    @Override
    public final void entryMerged(EntryEvent<String, V> event) {
        stored(event);
    }

    @Override
    public final void entryRemoved(EntryEvent<String, V> event) {
        removed(event);
    }

    @Override
    public final void entryEvicted(EntryEvent<String, V> event) {
        removed(event);
    }

    @Override
    public final void entryExpired(EntryEvent<String, V> event) {
        removed(event);
    }
}
