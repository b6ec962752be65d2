package org.nuttssh.registry;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * One shared copy of each distinct port map among the records packed ({@link PackedRecord}): a fleet has a handful
 * ({@code 22 → localhost}, ...) for thousands of clients, and a map of one port costs about 150 bytes. A copy lives as
 * long as a record holds it (weakly held here), so the table is bounded by the records kept.
 */
final class PortMaps {

    private static final Map<SortedMap<Integer, String>, WeakReference<SortedMap<Integer, String>>> SHARED =
            new WeakHashMap<>();

    private PortMaps() {
    }

    /** An unmodifiable map equal to {@code ports}, the same instance for equal maps. */
    static SortedMap<Integer, String> intern(SortedMap<Integer, String> ports) {
        synchronized (SHARED) {
            WeakReference<SortedMap<Integer, String>> known = SHARED.get(ports);
            SortedMap<Integer, String> shared = known != null ? known.get() : null;
            if (shared == null) {
                shared = Collections.unmodifiableSortedMap(new TreeMap<>(ports));
                SHARED.put(shared, new WeakReference<>(shared));
            }
            return shared;
        }
    }
}
