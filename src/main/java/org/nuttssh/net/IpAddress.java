package org.nuttssh.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address as raw bytes: the one parser for address text, whether it comes from authorized_keys or
 * from a PROXY header.
 *
 * <p>Parsing is done here rather than with {@link InetAddress#getByName} because that method silently falls back to a
 * DNS query for anything it does not recognise as a literal: neither a pattern in authorized_keys nor the bytes of a
 * header may trigger network traffic or stall an I/O thread. Formatting follows RFC 5952 (compressed, lower case) so
 * that globs such as {@code 2001:db8::*} see the same text OpenSSH would.
 */
public final class IpAddress {
    /** The longest IPv6 text: six groups of four, then an embedded IPv4 address ({@code ffff:...:255.255.255.255}). */
    private static final int MAX_TEXT = 45;

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static IpAddress of(InetAddress address) {
        return new IpAddress(address.getAddress());
    }

    /**
     * The literal {@code text} as an address, or empty when it is not a strict IPv4 or IPv6 literal: no leading zeros,
     * no shorthand forms, no zone ids, no brackets.
     */
    public static Optional<IpAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        byte[] parsed = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
        return Optional.ofNullable(parsed).map(IpAddress::new);
    }

    /** 32 for IPv4, 128 for IPv6 (an IPv4-mapped IPv6 literal included). */
    public int bitLength() {
        return bytes.length * 8;
    }

    public boolean sameFamily(IpAddress other) {
        return bytes.length == other.bytes.length;
    }

    /** Whether bit {@code index} (0 = most significant) is set. */
    public boolean bit(int index) {
        return (bytes[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    /** This address with every bit after the first {@code prefix} cleared: the network of its /prefix block. */
    public IpAddress truncated(int prefix) {
        byte[] network = bytes.clone();
        for (int i = prefix; i < network.length * 8; i++) {
            network[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        return new IpAddress(network);
    }

    /** The JDK's form; an IPv4-mapped IPv6 address becomes the IPv4 address, as Java does for sockets. */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(bytes.clone());
        } catch (UnknownHostException e) {
            // Only thrown for a wrong array length, which the constructor's callers rule out.
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length == 4 ? formatV4(bytes, 0) : formatV6(bytes);
    }

    private static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimalOctet(parts[i]);
            if (value < 0) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    /** 0..255, or -1. Leading zeros are refused because some tools read them as octal. */
    private static int decimalOctet(String part) {
        if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] parseV6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = gap >= 0 ? groups(text.substring(0, gap), false) : groups(text, true);
        List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2), true) : List.of();
        if (head == null || tail == null) {
            return null;
        }
        int given = head.size() + tail.size();
        if (gap >= 0 ? given > 7 : given != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            putGroup(out, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            putGroup(out, 8 - tail.size() + i, tail.get(i));
        }
        return out;
    }

    /** The 16-bit groups of one side of "::", or null if malformed; a dotted quad may end the address. */
    private static List<Integer> groups(String part, boolean quadAllowedAtEnd) {
        List<Integer> out = new ArrayList<>();
        if (part.isEmpty()) {
            return out;
        }
        String[] pieces = part.split(":", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (piece.indexOf('.') >= 0) {
                byte[] quad = quadAllowedAtEnd && i == pieces.length - 1 ? parseV4(piece) : null;
                if (quad == null) {
                    return null;
                }
                out.add(((quad[0] & 0xff) << 8) | (quad[1] & 0xff));
                out.add(((quad[2] & 0xff) << 8) | (quad[3] & 0xff));
                continue;
            }
            if (piece.isEmpty() || piece.length() > 4) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < piece.length(); k++) {
                int digit = Character.digit(piece.charAt(k), 16);
                if (digit < 0 || piece.charAt(k) > 'f') {
                    return null;
                }
                value = value * 16 + digit;
            }
            out.add(value);
        }
        return out;
    }

    private static void putGroup(byte[] out, int index, int value) {
        out[index * 2] = (byte) (value >>> 8);
        out[index * 2 + 1] = (byte) value;
    }

    private static String formatV4(byte[] b, int from) {
        return (b[from] & 0xff) + "." + (b[from + 1] & 0xff) + "." + (b[from + 2] & 0xff) + "." + (b[from + 3] & 0xff);
    }

    private static String formatV6(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[i * 2] & 0xff) << 8) | (b[i * 2 + 1] & 0xff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + formatV4(b, 12);
        }
        // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
