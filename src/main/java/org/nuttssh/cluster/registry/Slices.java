package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.nuttssh.registry.NodeId;

/**
 * The entry hashes of map values one node holds a view of, and each owner's {@link SliceDigest} of them, kept in step
 * one entry at a time: what a node wrote of its own slice. Written from entry-event threads, repairs and writes at
 * once; each call is brief. (What it mirrors of the other nodes' slices is kept with the records,
 * {@link RegistryMirror}.)
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

    /** The keys of {@code node}'s slice. */
    synchronized Set<String> keysOf(NodeId node) {
        Set<String> keys = new HashSet<>();
        entries.forEach((key, entry) -> {
            if (entry.node().equals(node)) {
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
}
