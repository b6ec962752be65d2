package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.nuttssh.registry.NodeId;

/**
 * The entry hashes of map values one node holds a view of, and each owner's {@link SliceDigest} of them, kept in step
 * one entry at a time. Written from entry-event threads, repairs and writes at once; each call is brief.
 */
final class Slices {

    /** A key's entry: whose slice, and the hash of the value seen. */
    private record Entry(NodeId node, long hash) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<NodeId, SliceDigest> digests = new HashMap<>();

    /** {@code key} now holds {@code value} in {@code node}'s slice. */
    synchronized void put(String key, NodeId node, byte[] value) {
        remove(key);
        long hash = SliceDigest.hash(key, value);
        entries.put(key, new Entry(node, hash));
        digests.merge(node, SliceDigest.EMPTY.plus(hash), SliceDigest::combine);
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
