package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The entries of a shared map as the relay writes them, text keys and byte-array values, whatever else is there:
 * any member, a stranger on the cluster network too, can put a key or a value of any type, which read as the relay's
 * type would throw and stop a resync or a check for good. A value of another type reads as empty, which opens as
 * nothing: counted as unreadable, ignored in another node's slice, and overwritten or deleted by its owner in its own.
 * A key that is not text is left out (no node owns it) and reported.
 */
public final class SharedEntries {

    private static final byte[] NOTHING = new byte[0];

    private SharedEntries() {
    }

    /**
     * @param read      entries as read from the map, through wildcards so that nothing is cast before the check
     * @param malformed told of each entry whose key is not text, with its key as text
     */
    public static Map<String, byte[]> of(Iterable<? extends Map.Entry<?, ?>> read, Consumer<String> malformed) {
        Map<String, byte[]> entries = new HashMap<>();
        for (Map.Entry<?, ?> entry : read) {
            if (entry.getKey() instanceof String key) {
                entries.put(key, bytes(entry.getValue()));
            } else {
                malformed.accept(String.valueOf(entry.getKey()));
            }
        }
        return entries;
    }

    /** A value as the relay writes them, or empty (which opens as nothing) for a value of another type. */
    public static byte[] bytes(Object value) {
        return value instanceof byte[] bytes ? bytes : NOTHING;
    }
}
