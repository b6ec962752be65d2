package org.nuttssh.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Turns valid input into nearly valid input, the kind that reaches the corners of a parser: bits flipped, bytes set
 * to values parsers treat specially, runs inserted, deleted, repeated or cut off, and 32-bit fields set to the sizes
 * that break length checks. Driven by a {@link Random}, so a seed reproduces a case.
 */
public final class Mutator {

    /** Bytes with a meaning to one parser or another: ends of lines and strings, quotes, separators, sign bits. */
    private static final byte[] SPECIAL_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, '\n', '\r', '"', '\'', ',', '\\',
            '=', ' ', ':', '/', '~', '*', '!', '[', ']'};
    /** Values that break length fields: empty, one, the sign bit, all ones, and the largest positive. */
    private static final int[] SPECIAL_INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xffff, 0x10000};
    private static final int MAX_ROUNDS = 6;
    private static final int MAX_RUN = 16;

    private Mutator() {
    }

    /** {@code seed} with one to six mutations; never longer than twice the seed plus a few bytes. */
    public static byte[] mutate(byte[] seed, Random random) {
        byte[] data = seed.clone();
        int rounds = 1 + random.nextInt(MAX_ROUNDS);
        for (int i = 0; i < rounds; i++) {
            data = once(data, random, seed.length * 2 + MAX_RUN);
        }
        return data;
    }

    /** {@code length} bytes of noise, most of them printable so that text parsers get past their first check. */
    public static byte[] noise(int length, Random random) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : (byte) (' ' + random.nextInt(95));
        }
        return data;
    }

    private static byte[] once(byte[] data, Random random, int maxLength) {
        int at = random.nextInt(data.length + 1);
        int run = 1 + random.nextInt(MAX_RUN);
        switch (random.nextInt(8)) {
            case 0 -> {
                if (at < data.length) {
                    data[at] ^= (byte) (1 << random.nextInt(8));
                }
                return data;
            }
            case 1 -> {
                if (at < data.length) {
                    data[at] = SPECIAL_BYTES[random.nextInt(SPECIAL_BYTES.length)];
                }
                return data;
            }
            case 2 -> {
                if (at < data.length) {
                    data[at] = (byte) random.nextInt(256);
                }
                return data;
            }
            case 3 -> {
                return data.length + run > maxLength ? data : splice(data, at, 0, noise(run, random));
            }
            case 4 -> {
                return splice(data, at, Math.min(run, data.length - at), new byte[0]);
            }
            case 5 -> {
                int from = random.nextInt(data.length + 1);
                byte[] copy = Arrays.copyOfRange(data, from, Math.min(data.length, from + run));
                return data.length + copy.length > maxLength ? data : splice(data, at, 0, copy);
            }
            case 6 -> {
                return Arrays.copyOf(data, at);
            }
            default -> {
                if (at + 4 <= data.length) {
                    int value = SPECIAL_INTS[random.nextInt(SPECIAL_INTS.length)];
                    data[at] = (byte) (value >>> 24);
                    data[at + 1] = (byte) (value >>> 16);
                    data[at + 2] = (byte) (value >>> 8);
                    data[at + 3] = (byte) value;
                }
                return data;
            }
        }
    }

    private static byte[] splice(byte[] data, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + insert.length);
        out.write(data, 0, at);
        out.writeBytes(insert);
        out.write(data, at + remove, data.length - at - remove);
        return out.toByteArray();
    }
}
