package org.nuttssh.auth.revocation;

import java.util.Arrays;

/**
 * The certificate serials a KRL revokes for one CA: unsigned 64-bit numbers, kept as sorted, disjoint ranges whatever
 * form the KRL gave them in (serials, ranges, runs of a bitmap), so memory follows the number of ranges, never the
 * number of serials.
 */
final class SerialSet {

    static final SerialSet EMPTY = new SerialSet(new long[0], new long[0]);

    /** First and last serial of each range, with the sign bit flipped so that signed order is unsigned order. */
    private final long[] firsts;
    private final long[] lasts;

    private SerialSet(long[] firsts, long[] lasts) {
        this.firsts = firsts;
        this.lasts = lasts;
    }

    boolean contains(long serial) {
        long key = serial ^ Long.MIN_VALUE;
        int found = Arrays.binarySearch(firsts, key);
        if (found >= 0) {
            return true;
        }
        int before = -found - 2; // the last range that starts below the serial
        return before >= 0 && lasts[before] >= key;
    }

    /** How many disjoint ranges hold the serials. */
    int ranges() {
        return firsts.length;
    }

    /** Collects ranges in any order, overlapping or not; serial 0 is never in one (OpenSSH refuses it). */
    static final class Builder {

        private long[] firsts = new long[8];
        private long[] lasts = new long[8];
        private int size;

        /** Adds {@code first} to {@code last} (unsigned, {@code 0 < first <= last}). */
        void add(long first, long last) {
            if (size == firsts.length) {
                firsts = Arrays.copyOf(firsts, size * 2);
                lasts = Arrays.copyOf(lasts, size * 2);
            }
            firsts[size] = first ^ Long.MIN_VALUE;
            lasts[size] = last ^ Long.MIN_VALUE;
            size++;
        }

        /**
         * Merges overlapping and adjacent ranges. A union of ranges depends only on their firsts and their lasts,
         * each sorted on its own: the k-th smallest first is never above the k-th smallest last, so a sweep that
         * takes firsts before the lasts they reach (or touch) opens and closes the merged ranges in order.
         */
        SerialSet build() {
            if (size == 0) {
                return EMPTY;
            }
            long[] starts = Arrays.copyOf(firsts, size);
            long[] ends = Arrays.copyOf(lasts, size);
            Arrays.sort(starts);
            Arrays.sort(ends);
            int merged = 0;
            int open = 0;
            int next = 0;
            for (int end = 0; end < size; end++) {
                // firsts are above 0, so first - 1 cannot wrap: a range touching the end joins it
                while (next < size && starts[next] - 1 <= ends[end]) {
                    if (open++ == 0) {
                        starts[merged] = starts[next];
                    }
                    next++;
                }
                if (--open == 0) {
                    ends[merged++] = ends[end];
                }
            }
            return new SerialSet(Arrays.copyOf(starts, merged), Arrays.copyOf(ends, merged));
        }
    }
}
