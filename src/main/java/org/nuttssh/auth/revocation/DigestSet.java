package org.nuttssh.auth.revocation;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Byte strings (keys, key hashes, key IDs) held by their SHA-256, in a sorted array: 32 bytes each however long the
 * string, and looked up by binary search, which no chosen input can slow down as colliding hash codes could.
 */
final class DigestSet {

    static final DigestSet EMPTY = new DigestSet(new Digest[0]);

    private final Digest[] sorted;

    private DigestSet(Digest[] sorted) {
        this.sorted = sorted;
    }

    boolean contains(byte[] bytes) {
        return Arrays.binarySearch(sorted, Digest.of(bytes)) >= 0;
    }

    /** How many distinct strings it holds. */
    int size() {
        return sorted.length;
    }

    /** A SHA-256 as four longs: equal exactly when the strings are, short of a SHA-256 collision. */
    record Digest(long a, long b, long c, long d) implements Comparable<Digest> {

        static Digest of(byte[] bytes) {
            ByteBuffer hash = ByteBuffer.wrap(hash("SHA-256", bytes));
            return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
        }

        @Override
        public int compareTo(Digest other) {
            int order = Long.compare(a, other.a);
            order = order != 0 ? order : Long.compare(b, other.b);
            order = order != 0 ? order : Long.compare(c, other.c);
            return order != 0 ? order : Long.compare(d, other.d);
        }
    }

    static final class Builder {

        private final List<Digest> digests = new ArrayList<>();

        void add(byte[] bytes) {
            digests.add(Digest.of(bytes));
        }

        DigestSet build() {
            if (digests.isEmpty()) {
                return EMPTY;
            }
            Digest[] sorted = digests.toArray(Digest[]::new);
            Arrays.sort(sorted);
            int distinct = 1;
            for (int i = 1; i < sorted.length; i++) {
                if (!sorted[i].equals(sorted[distinct - 1])) {
                    sorted[distinct++] = sorted[i];
                }
            }
            return new DigestSet(Arrays.copyOf(sorted, distinct));
        }
    }

    /** {@code bytes} hashed with a digest every JDK has: SHA-1 or SHA-256. */
    static byte[] hash(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
