package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nuttssh.registry.NodeId;

/**
 * The newest version of each other node's record that this node has seen in the shared map, so that an older value
 * written back under its key (a replay by a stranger, or a merge that kept the other side's stale copy) is not
 * mirrored. A removed key keeps its last version, so that its last value cannot come back either: its owner puts a
 * record it still holds back with a newer version. Events for different keys arrive on different threads.
 */
final class Freshness {

    /**
     * Removed keys remembered, the oldest forgotten first: each costs about 100 bytes, and keys are new for every
     * client connection, so a long-lived node cannot keep them all. A replay of a record removed longer ago is still
     * deleted by its owner at once, as a record in its name that it does not hold.
     */
    static final int REMEMBERED_REMOVALS = 65_536;

    private final Map<String, Seen> live = new HashMap<>();
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
     * Whether a value of {@code version} found under {@code key} may be mirrored: not older than the one mirrored, and
     * newer than the last one removed. If so, it is now the newest seen.
     */
    synchronized boolean admit(String key, NodeId node, long version) {
        Seen known = live.get(key);
        if (known == null) {
            Seen gone = removed.get(key);
            if (gone != null && version <= gone.version()) {
                return false;
            }
            removed.remove(key);
        } else if (version < known.version()) {
            return false;
        }
        live.put(key, new Seen(node, version));
        return true;
    }

    /**
     * The owner vouches for this value: its ledger sums up to the slice it is in. Any mark that would refuse it goes
     * (a removal seen from a member cut off in a split, which the owner never made).
     */
    synchronized void vouched(String key, NodeId node, long version) {
        removed.remove(key);
        live.put(key, new Seen(node, version));
    }

    /** The key's record left the map: its last version now bars that value from coming back. */
    synchronized void removed(String key) {
        Seen last = live.remove(key);
        if (last != null) {
            removed.put(key, last);
        }
    }

    /**
     * A node is no longer a member, and its records were purged for that, not removed by it: forgets all it was seen
     * to write. If it merges back after a split, its records come back with the versions they had, and are welcome.
     */
    synchronized void forgetNode(NodeId node) {
        live.values().removeIf(seen -> seen.node().equals(node));
        removed.values().removeIf(seen -> seen.node().equals(node));
    }
}
