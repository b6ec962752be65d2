package org.nuttssh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class OpenTableTest {

    /** A value with its key; {@code hash} may collide on purpose. */
    private record Entry(int key, int hash) {
    }

    /** Random puts and removes, against a HashMap: every value stays found after removals close their gaps. */
    @Test
    void findsWhatAHashMapFindsThroughAddsRemovesAndGrowth() {
        for (int collisions : new int[] {1, 7, 1_000_000}) {
            OpenTable<Entry> table = new OpenTable<>(Entry::hash);
            Map<Integer, Entry> model = new HashMap<>();
            Random random = new Random(collisions);
            for (int step = 0; step < 20_000; step++) {
                int key = random.nextInt(2_000);
                int hash = key % collisions;
                if (random.nextBoolean() && !model.containsKey(key)) {
                    Entry entry = new Entry(key, hash);
                    table.add(entry);
                    model.put(key, entry);
                } else {
                    assertEquals(model.remove(key), table.remove(hash, e -> e.key() == key));
                }
            }
            for (int key = 0; key < 2_000; key++) {
                int wanted = key;
                assertEquals(model.get(key), table.find(key % collisions, e -> e.key() == wanted),
                        "key " + key + " with " + collisions + " hashes");
            }
            assertEquals(model.size(), table.size());
            assertEquals(new HashSet<>(model.values()), new HashSet<>(table.values()));
        }
    }

    @Test
    void aReplacedValueIsFoundInPlaceOfTheOld() {
        OpenTable<Entry> table = new OpenTable<>(Entry::hash);
        table.add(new Entry(1, 5));
        table.replace(5, e -> e.key() == 1, new Entry(1, 5));

        assertEquals(new Entry(1, 5), table.find(5, e -> e.key() == 1));
        assertNull(table.find(5, e -> e.key() == 2));
        assertEquals(1, table.size());
    }

    /**
     * A table told how many values are coming takes them without growing: growing hashes every value again, which is
     * what a joining node paid once per doubling for every name of the cluster (docs/performance.md, issue 33).
     */
    @Test
    void aReservedTableTakesThatManyValuesWithoutHashingAnyAgain() {
        AtomicInteger hashed = new AtomicInteger();
        OpenTable<Entry> table = new OpenTable<>(entry -> {
            hashed.incrementAndGet();
            return entry.hash();
        });
        table.add(new Entry(-1, -1));
        table.reserve(100_001);
        hashed.set(0);

        for (int key = 0; key < 100_000; key++) {
            table.add(new Entry(key, key));
        }

        assertEquals(100_000, hashed.get(), "values hashed while adding 100,000");
        assertEquals(100_001, table.size());
        for (int key = -1; key < 100_000; key++) {
            int wanted = key;
            assertEquals(new Entry(key, key), table.find(key, e -> e.key() == wanted));
        }
    }
}
