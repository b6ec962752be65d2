package org.nuttssh.cluster.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nuttssh.registry.NodeId;

/**
 * The last version of each other node's record lately removed from the shared map, so that its last value, written
 * back under its key (a replay by a stranger, or a merge that kept the other side's stale copy), is not mirrored
 * again: its owner puts a record it still holds back with a newer version. The version of a record mirrored now is
 * kept with it ({@link MirroredRecord}), where {@link #admit} is told it. Events for different keys arrive on
 * different threads.
 */
final class Freshness {

    /**
     * Removed keys remembered, the oldest forgotten first: each costs about 100 bytes, and keys are new for every
     * client connection, so a long-lived node cannot keep them all. A replay of a record removed longer ago is still
     * deleted by its owner at once, as a record in its name that it does not hold.
     */
    static final int REMEMBERED_REMOVALS = 65_536;

    /** Stands for no version mirrored under a key. */
    static final long NONE = -1;

    private final Map<String, Seen> removed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REMEMBERED_REMOVALS;
        }
    };

    /** A version seen, and whose record it was. */
    private record Seen(NodeId node, long version) {
    }

    /**
     * Whether a value of {@code version} found under {@code key} may be mirrored: not older than the one mirrored
     * ({@code mirrored}, or {@link #NONE}), and newer than the last one removed. If so, the removal is forgotten.
     */
    synchronized boolean admit(String key, long mirrored, long version) {
        if (mirrored != NONE) {
            return version >= mirrored;
        }
        Seen gone = removed.get(key);
        if (gone != null && version <= gone.version()) {
            return false;
        }
        removed.remove(key);
        return true;
    }

    /**
     * The owner vouches for the value under {@code key}: its ledger sums up to the slice it is in. A removal mark that
     * would refuse it goes (a removal seen from a member cut off in a split, which the owner never made).
     */
    synchronized void vouched(String key) {
        removed.remove(key);
    }

    /** The key's record, of {@code version}, left the map: that version now bars its value from coming back. */
    synchronized void removed(String key, NodeId node, long version) {
        removed.put(key, new Seen(node, version));
    }

    /**
     * A node is no longer a member, and its records were purged for that, not removed by it: forgets all it was seen
     * to write. If it merges back after a split, its records come back with the versions they had, and are welcome.
     */
    synchronized void forgetNode(NodeId node) {
        removed.values().removeIf(seen -> seen.node().equals(node));
    }
}
