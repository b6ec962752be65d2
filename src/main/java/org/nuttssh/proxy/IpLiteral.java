package org.nuttssh.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address text as PROXY v1 carries it, parsed by hand: {@link InetAddress#getByName} would look up anything that
 * is not a literal in DNS, letting a header's bytes trigger network traffic and stall the I/O thread.
 */
final class IpLiteral {
    private static final int IPV4_BYTES = 4;
    private static final int IPV6_BYTES = 16;
    private static final int IPV4_PARTS = 4;
    private static final int MAX_IPV4_PART = 255;
    /** Three decimal digits reach 255; a fourth can only be a leading zero, which some parsers read as octal. */
    private static final int MAX_IPV4_PART_DIGITS = 3;
    /** Each IPv6 group is 16 bits, four hex digits. */
    private static final int MAX_IPV6_GROUP_DIGITS = 4;
    /** The longest IPv6 text: six groups of four, then an embedded IPv4 address ({@code ffff:...:255.255.255.255}). */
    private static final int MAX_IPV6_TEXT = 45;
    /** {@code ::} stands for one or more zero groups, so the groups written out fill at most 14 bytes. */
    private static final int MAX_BYTES_AROUND_GAP = IPV6_BYTES - 2;

    private IpLiteral() {
    }

    /** A dotted quad such as {@code 192.0.2.1}; no leading zeros, no shorthand forms. */
    static Optional<InetAddress> ipv4(String text) {
        return ipv4Bytes(text).map(IpLiteral::address);
    }

    /**
     * RFC 4291 text such as {@code 2001:db8::1} or {@code ::ffff:192.0.2.1}; no zone ids, no brackets. An
     * IPv4-mapped address comes back as the IPv4 address, so that {@code from=} patterns written for IPv4 match it.
     */
    static Optional<InetAddress> ipv6(String text) {
        if (text.isEmpty() || text.length() > MAX_IPV6_TEXT) {
            return Optional.empty();
        }
        byte[] bytes = new byte[IPV6_BYTES];
        int gap = text.indexOf("::");
        if (gap < 0) {
            return groups(text, bytes, 0, true) == IPV6_BYTES ? Optional.of(address(bytes)) : Optional.empty();
        }
        if (text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        String head = text.substring(0, gap);
        String tail = text.substring(gap + 2);
        int headBytes = head.isEmpty() ? 0 : groups(head, bytes, 0, false);
        byte[] tailBuffer = new byte[IPV6_BYTES];
        int tailBytes = tail.isEmpty() ? 0 : groups(tail, tailBuffer, 0, true);
        if (headBytes < 0 || tailBytes < 0 || headBytes + tailBytes > MAX_BYTES_AROUND_GAP) {
            return Optional.empty();
        }
        System.arraycopy(tailBuffer, 0, bytes, IPV6_BYTES - tailBytes, tailBytes);
        return Optional.of(address(bytes));
    }

    /**
     * Colon-separated hex groups written into {@code into} from {@code at}; the last may be a dotted quad when
     * {@code ipv4Last}. Returns the position after the last byte written, or -1 if the text is not such groups.
     */
    private static int groups(String text, byte[] into, int at, boolean ipv4Last) {
        String[] parts = text.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (ipv4Last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                Optional<byte[]> quad = ipv4Bytes(part);
                if (quad.isEmpty() || at + IPV4_BYTES > into.length) {
                    return -1;
                }
                System.arraycopy(quad.get(), 0, into, at, IPV4_BYTES);
                at += IPV4_BYTES;
            } else {
                if (part.isEmpty() || part.length() > MAX_IPV6_GROUP_DIGITS || !isHex(part) || at + 2 > into.length) {
                    return -1;
                }
                int group = Integer.parseInt(part, 16);
                into[at++] = (byte) (group >> 8);
                into[at++] = (byte) group;
            }
        }
        return at;
    }

    private static Optional<byte[]> ipv4Bytes(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != IPV4_PARTS) {
            return Optional.empty();
        }
        byte[] bytes = new byte[IPV4_BYTES];
        for (int i = 0; i < IPV4_PARTS; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > MAX_IPV4_PART_DIGITS || !isDecimal(part)
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > MAX_IPV4_PART) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }

    /** Digits only: {@link Integer#parseInt} alone would also take a sign. */
    static boolean isDecimal(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean isHex(String text) {
        return text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            // Only thrown for a length other than 4 or 16, which the callers never build.
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }
}
