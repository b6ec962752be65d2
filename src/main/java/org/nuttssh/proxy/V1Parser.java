package org.nuttssh.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

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
    private static final int MAX_PORT = 65535;
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
        V1Protocol protocol = V1Protocol.fromWire(fields[1])
                .orElseThrow(() -> error("unknown protocol " + Quoted.of(fields[1])));
        if (protocol == V1Protocol.UNKNOWN) {
            // The spec lets the sender put anything after UNKNOWN and tells the receiver to ignore it.
            return Optional.of(ProxyHeader.unknown(VERSION, headerLength));
        }
        if (fields.length != TCP_FIELDS) {
            throw error("expected 'PROXY " + protocol.wire() + " src dst sport dport', got " + fields.length
                    + " fields");
        }
        Function<String, Optional<InetAddress>> parser =
                protocol == V1Protocol.TCP4 ? IpLiteral::ipv4 : IpLiteral::ipv6;
        InetAddress source = parser.apply(fields[2])
                .orElseThrow(() -> error("bad source address " + Quoted.of(fields[2]) + " for " + protocol.wire()));
        InetAddress destination = parser.apply(fields[3])
                .orElseThrow(() -> error("bad destination address " + Quoted.of(fields[3]) + " for "
                        + protocol.wire()));
        int sourcePort = port(fields[4], "source");
        int destinationPort = port(fields[5], "destination");
        return Optional.of(ProxyHeader.proxied(VERSION, new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort), headerLength));
    }

    private static int port(String text, String which) throws ProxyHeaderException {
        if (text.length() > MAX_PORT_DIGITS || !IpLiteral.isDecimal(text) || Integer.parseInt(text) > MAX_PORT) {
            throw error("bad " + which + " port " + Quoted.of(text));
        }
        return Integer.parseInt(text);
    }

    private static ProxyHeaderException error(String problem) {
        return new ProxyHeaderException("PROXY v1 header: " + problem);
    }
}
