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
 *
 * <p>Any member, a stranger on the cluster network too, can put a key or a value of any type: an entry of another
 * form than the relay writes (text keys, values of the listener's type) goes to {@link #malformed} instead, where
 * reading it as the relay's type would have thrown on the event thread.
 */
public abstract class EntryChanges<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
        EntryMergedListener<String, V>, EntryRemovedListener<String, V>, EntryEvictedListener<String, V>,
        EntryExpiredListener<String, V> {

    private final Class<V> type;

    /** @param type the type of value the relay writes to the map */
    protected EntryChanges(Class<V> type) {
        this.type = type;
    }

    /** The entry holds {@code event.getValue()} now. */
    protected abstract void stored(EntryEvent<String, V> event);

    /** The entry is gone. */
    protected abstract void removed(EntryEvent<String, V> event);

    /** An entry of another form than the relay writes: a stranger's, or another program's. Ignored unless overridden. */
    protected void malformed(EntryEvent<?, ?> event) {
    }

    /** Read through wildcards, so that no cast to the relay's types happens before the check. */
    private boolean wellFormed(EntryEvent<?, ?> event, boolean valued) {
        Object value = event.getValue();
        if (event.getKey() instanceof String && (!valued || value == null || type.isInstance(value))) {
            return true;
        }
        malformed(event);
        return false;
    }

    @Override
    public final void entryAdded(EntryEvent<String, V> event) {
        if (wellFormed(event, true)) {
            stored(event);
        }
    }

    @Override
    public final void entryUpdated(EntryEvent<String, V> event) {
        if (wellFormed(event, true)) {
            stored(event);
        }
    }

    @Override
    public final void entryMerged(EntryEvent<String, V> event) {
        if (wellFormed(event, true)) {
            stored(event);
        }
    }

    @Override
    public final void entryRemoved(EntryEvent<String, V> event) {
        if (wellFormed(event, false)) {
            removed(event);
        }
    }

    @Override
    public final void entryEvicted(EntryEvent<String, V> event) {
        if (wellFormed(event, false)) {
            removed(event);
        }
    }

    @Override
    public final void entryExpired(EntryEvent<String, V> event) {
        if (wellFormed(event, false)) {
            removed(event);
        }
    }
}
