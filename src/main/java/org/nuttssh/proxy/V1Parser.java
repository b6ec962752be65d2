package org.nuttssh.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.nuttssh.net.IpAddress;
import org.nuttssh.net.Ports;

/** The text header: {@code PROXY TCP4|TCP6 src dst sport dport\r\n}, or {@code PROXY UNKNOWN ...\r\n}. */
final class V1Parser {
    static final int VERSION = 1;
    /** Every v1 line starts with this, so these bytes tell v1 from anything else. */
    static final byte[] PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /**
     * The spec's worst case, line end included: {@code PROXY TCP6 } plus two full IPv6 addresses, two 5-digit ports
     * and their spaces. A line still going after this many bytes is not a PROXY header.
     */
    static final int MAX_LENGTH = 107;
    /** {@code PROXY}, protocol, source, destination, source port, destination port. */
    private static final int TCP_FIELDS = 6;
    /** 65535 has five digits; more can only be padding. */
    private static final int MAX_PORT_DIGITS = 5;

    private V1Parser() {
    }

    /**
     * @param data   bytes starting with {@link #PREFIX}
     * @return the header, or empty if its line end has not arrived yet
     */
    static Optional<ProxyHeader> parse(byte[] data, int offset, int length) throws ProxyHeaderException {
        int newline = -1;
        for (int i = 0; i < Math.min(length, MAX_LENGTH); i++) {
            if (data[offset + i] == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0) {
            if (length >= MAX_LENGTH) {
                throw error("no line end within " + MAX_LENGTH + " bytes");
            }
            return Optional.empty();
        }
        if (data[offset + newline - 1] != '\r') {
            throw error("line ends in LF without CR");
        }
        // ISO-8859-1 maps each byte to one char, so error messages can show exactly what was sent.
        String line = new String(data, offset, newline - 1, StandardCharsets.ISO_8859_1);
        int headerLength = newline + 1;
        String[] fields = line.split(" ", -1);
        ProxiedProtocol protocol = ProxiedProtocol.fromV1(fields[1])
                .orElseThrow(() -> error("unknown protocol " + Quoted.of(fields[1])));
        if (protocol == ProxiedProtocol.UNKNOWN) {
            // The spec lets the sender put anything after UNKNOWN and tells the receiver to ignore it.
            return Optional.of(ProxyHeader.unknown(VERSION, headerLength));
        }
        if (fields.length != TCP_FIELDS) {
            throw error("expected 'PROXY " + protocol.word() + " src dst sport dport', got " + fields.length
                    + " fields");
        }
        InetAddress source = address(fields[2], protocol)
                .orElseThrow(() -> error("bad source address " + Quoted.of(fields[2]) + " for " + protocol.word()));
        InetAddress destination = address(fields[3], protocol)
                .orElseThrow(() -> error("bad destination address " + Quoted.of(fields[3]) + " for "
                        + protocol.word()));
        int sourcePort = port(fields[4], "source");
        int destinationPort = port(fields[5], "destination");
        return Optional.of(ProxyHeader.proxied(VERSION, new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort), headerLength));
    }

    /** TCP4 takes a dotted quad, TCP6 IPv6 text only (an IPv4-mapped one included). */
    private static Optional<InetAddress> address(String text, ProxiedProtocol protocol) {
        boolean ipv6Text = text.indexOf(':') >= 0;
        if (ipv6Text != (protocol == ProxiedProtocol.TCP6)) {
            return Optional.empty();
        }
        return IpAddress.parse(text).map(IpAddress::toInetAddress);
    }

    private static int port(String text, String which) throws ProxyHeaderException {
        if (text.isEmpty() || text.length() > MAX_PORT_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) > Ports.MAX) {
            throw error("bad " + which + " port " + Quoted.of(text));
        }
        return Integer.parseInt(text);
    }

    private static ProxyHeaderException error(String problem) {
        return new ProxyHeaderException("PROXY v1 header: " + problem);
    }
}
