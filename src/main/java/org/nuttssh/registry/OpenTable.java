package org.nuttssh.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * A hash table of values that carry their own key, in one array (open addressing, linear probing): no entry object and
 * no key object per value, about 6-11 bytes a value where a {@link java.util.HashMap} takes 40 plus the key. What
 * {@link NameIndex} finds its records in, by id and by name, for every client in the cluster. Not thread-safe.
 */
final class OpenTable<T> {

    private static final int INITIAL_SLOTS = 16;
    /** Grows past two thirds full: linear probing stays short below that, and a slot is only 4 or 8 bytes. */
    private static final int MAX_LOAD_PERCENT = 67;

    private final ToIntFunction<T> hashOf;
    private Object[] slots = new Object[INITIAL_SLOTS];
    private int size;

    /** @param hashOf the hash of a value's key, the same that {@link #find} is given for that key */
    OpenTable(ToIntFunction<T> hashOf) {
        this.hashOf = hashOf;
    }

    /** The value whose key has {@code hash} and that {@code matches}, or null. */
    T find(int hash, Predicate<T> matches) {
        int at = slotOf(hash, matches);
        return at < 0 ? null : value(at);
    }

    /** Adds {@code value}, where no value of its key is ({@link #find} it first). */
    void add(T value) {
        reserve(size + 1);
        place(slots, value, hashOf.applyAsInt(value));
        size++;
    }

    /** Makes room for {@code values} values in all: adding values up to that many does not grow the table again. */
    void reserve(int values) {
        int length = slots.length;
        while (values * 100L > (long) length * MAX_LOAD_PERCENT) {
            length *= 2;
        }
        if (length > slots.length) {
            resize(length);
        }
    }

    /** Puts {@code value} in place of the one that {@code matches} its key (which must be there). */
    void replace(int hash, Predicate<T> matches, T value) {
        int at = slotOf(hash, matches);
        if (at < 0) {
            throw new IllegalStateException("no value to replace");
        }
        slots[at] = value;
    }

    /** Takes out the value whose key has {@code hash} and that {@code matches}; it, or null. */
    T remove(int hash, Predicate<T> matches) {
        int at = slotOf(hash, matches);
        if (at < 0) {
            return null;
        }
        T removed = value(at);
        slots[at] = null;
        size--;
        shiftBack(at);
        return removed;
    }

    int size() {
        return size;
    }

    List<T> values() {
        List<T> values = new ArrayList<>(size);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                values.add(value(i));
            }
        }
        return values;
    }

    private int slotOf(int hash, Predicate<T> matches) {
        int mask = slots.length - 1;
        for (int at = home(hash, mask); slots[at] != null; at = (at + 1) & mask) {
            if (matches.test(value(at))) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Closes the gap at {@code empty}: a value further along the run that would not be found past the gap moves into
     * it, and so on, so that every value stays reachable from its home slot without tombstones.
     */
    private void shiftBack(int empty) {
        int mask = slots.length - 1;
        int gap = empty;
        for (int at = (gap + 1) & mask; slots[at] != null; at = (at + 1) & mask) {
            int home = home(hashOf.applyAsInt(value(at)), mask);
            // The value may move back to the gap unless its home lies cyclically in (gap, at].
            boolean homeAfterGap = gap <= at ? home > gap && home <= at : home > gap || home <= at;
            if (!homeAfterGap) {
                slots[gap] = slots[at];
                slots[at] = null;
                gap = at;
            }
        }
    }

    private void resize(int length) {
        Object[] larger = new Object[length];
        for (Object slot : slots) {
            if (slot != null) {
                @SuppressWarnings("unchecked")
                T value = (T) slot;
                place(larger, value, hashOf.applyAsInt(value));
            }
        }
        slots = larger;
    }

    private static void place(Object[] slots, Object value, int hash) {
        int mask = slots.length - 1;
        int at = home(hash, mask);
        while (slots[at] != null) {
            at = (at + 1) & mask;
        }
        slots[at] = value;
    }

    /** Fibonacci hashing: String hashes of similar names differ in their low bits only. */
    private static int home(int hash, int mask) {
        return (hash * 0x9E3779B9 >>> 16 ^ hash * 0x9E3779B9) & mask;
    }

    @SuppressWarnings("unchecked")
    private T value(int at) {
        return (T) slots[at];
    }
}
