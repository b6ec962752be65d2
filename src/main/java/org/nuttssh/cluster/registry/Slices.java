package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.nuttssh.registry.NodeId;

/**
 * The entry hashes of map values one node holds a view of, and each owner's {@link SliceDigest} of them, kept in step
 * one entry at a time. Written from entry-event threads, repairs and writes at once; each call is brief.
 */
final class Slices {

    /**
     * A key's entry: whose slice, the hash of the value seen, and when it was put ({@link #stamp}), so that a repair
     * tells what came in while it read the map from what the map no longer holds.
     */
    private record Entry(NodeId node, long hash, long stamp) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<NodeId, SliceDigest> digests = new HashMap<>();
    private long puts;

    /** {@code key} now holds {@code value} in {@code node}'s slice. */
    synchronized void put(String key, NodeId node, byte[] value) {
        remove(key);
        long hash = SliceDigest.hash(key, value);
        entries.put(key, new Entry(node, hash, ++puts));
        digests.merge(node, SliceDigest.EMPTY.plus(hash), SliceDigest::combine);
    }

    /** Now, as entries are stamped: take it before reading the map. */
    synchronized long stamp() {
        return puts;
    }

    /** The keys of {@code node}'s slice put no later than {@code stamp}. */
    synchronized Set<String> keysOf(NodeId node, long stamp) {
        Set<String> keys = new HashSet<>();
        entries.forEach((key, entry) -> {
            if (entry.node().equals(node) && entry.stamp() <= stamp) {
                keys.add(key);
            }
        });
        return keys;
    }

    synchronized void remove(String key) {
        Entry gone = entries.remove(key);
        if (gone != null) {
            SliceDigest left = digests.get(gone.node()).minus(gone.hash());
            if (left.count() == 0) {
                digests.remove(gone.node());
            } else {
                digests.put(gone.node(), left);
            }
        }
    }

    synchronized SliceDigest digest(NodeId node) {
        return digests.getOrDefault(node, SliceDigest.EMPTY);
    }

    /** Whether the value last put under {@code key} is {@code value}. */
    synchronized boolean holds(String key, byte[] value) {
        Entry entry = entries.get(key);
        return entry != null && entry.hash() == SliceDigest.hash(key, value);
    }

    /** The nodes with at least one entry here. */
    synchronized Set<NodeId> nodes() {
        return Set.copyOf(digests.keySet());
    }
}
