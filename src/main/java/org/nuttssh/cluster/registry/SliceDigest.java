package org.nuttssh.cluster.registry;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * What a node's slice of the shared map holds, in 16 bytes: how many entries, and the XOR of a 64-bit hash of each
 * entry's key and exact value. XOR lets it follow every put and delete in constant time, in any order, and be summed
 * per partition; a value written back, replaced or lost changes it. The owner computes it from what it wrote, every
 * node from what it mirrors, and the map's partition owner from what the map holds, so three views of a slice are
 * compared without moving the slice. Not a defence against a forger, who could not write a value a node opens anyway.
 */
record SliceDigest(int count, long xor) implements Serializable {

    static final SliceDigest EMPTY = new SliceDigest(0, 0);
    static final int BYTES = Integer.BYTES + Long.BYTES;

    /** The hash of one entry: the first 8 bytes of SHA-256 over the key, a zero byte and the value. */
    static long hash(String key, byte[] value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return ByteBuffer.wrap(sha.digest(value)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The digest of a slice as read from the map. */
    static SliceDigest of(Map<String, byte[]> slice) {
        SliceDigest digest = EMPTY;
        for (Map.Entry<String, byte[]> entry : slice.entrySet()) {
            digest = digest.plus(hash(entry.getKey(), entry.getValue()));
        }
        return digest;
    }

    SliceDigest plus(long entry) {
        return new SliceDigest(count + 1, xor ^ entry);
    }

    SliceDigest minus(long entry) {
        return new SliceDigest(count - 1, xor ^ entry);
    }

    SliceDigest combine(SliceDigest other) {
        return new SliceDigest(count + other.count, xor ^ other.xor);
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putInt(count).putLong(xor).array();
    }

    /** @throws IllegalArgumentException when {@code bytes} is not a digest */
    static SliceDigest fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("slice digest of " + bytes.length + " bytes (expected: " + BYTES + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new SliceDigest(in.getInt(), in.getLong());
    }

    @Override
    public String toString() {
        return count + " records, " + Long.toHexString(xor);
    }
}
