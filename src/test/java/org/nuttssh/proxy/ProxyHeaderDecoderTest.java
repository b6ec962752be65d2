package org.nuttssh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyHeaderDecoderTest {

    /** What every connection carries after its header; the decoder must never take any of it. */
    private static final byte[] SSH_VERSION = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int V2_IPV4_ADDRESSES = 12;

    static Stream<Arguments> validHeaders() {
        String longest = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n";
        return Stream.of(
                Arguments.of("v1 TCP4", HeaderBytes.text("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n"),
                        "PROXY v1 from 192.0.2.1:56324 to 198.51.100.2:443, 45 bytes"),
                Arguments.of("v1 TCP6", HeaderBytes.text("PROXY TCP6 2001:db8::1 2001:DB8:0:0:0:0:0:2 0 22\r\n"),
                        "PROXY v1 from [2001:db8:0:0:0:0:0:1]:0 to [2001:db8:0:0:0:0:0:2]:22, 50 bytes"),
                Arguments.of("v1 TCP6 IPv4-mapped", HeaderBytes.text("PROXY TCP6 ::ffff:127.0.0.3 ::1 40000 22\r\n"),
                        "PROXY v1 from 127.0.0.3:40000 to [0:0:0:0:0:0:0:1]:22, 42 bytes"),
                Arguments.of("v1 UNKNOWN", HeaderBytes.text("PROXY UNKNOWN\r\n"),
                        "PROXY v1 UNKNOWN (no client address given), 15 bytes"),
                Arguments.of("v1 UNKNOWN, longest line", HeaderBytes.text(longest),
                        "PROXY v1 UNKNOWN (no client address given), 107 bytes"),
                Arguments.of("v2 IPv4", HeaderBytes.v2(0x21, 0x11,
                                HeaderBytes.payload().ipv4(127, 0, 0, 3).ipv4(127, 0, 0, 1).u16(40000).u16(2222)),
                        "PROXY v2 from 127.0.0.3:40000 to 127.0.0.1:2222, 28 bytes"),
                Arguments.of("v2 IPv6", HeaderBytes.v2(0x21, 0x21, HeaderBytes.payload()
                                .u16(0x2001).u16(0x0db8).zeros(10).u16(0x0001)
                                .zeros(15).u8(1).u16(65535).u16(22)),
                        "PROXY v2 from [2001:db8:0:0:0:0:0:1]:65535 to [0:0:0:0:0:0:0:1]:22, 52 bytes"),
                Arguments.of("v2 LOCAL", HeaderBytes.v2(0x20, 0x00, HeaderBytes.payload()),
                        "PROXY v2 LOCAL (the proxy's own connection), 16 bytes"),
                Arguments.of("v2 LOCAL with addresses to ignore", HeaderBytes.v2(0x20, 0x11,
                                HeaderBytes.payload().ipv4(10, 0, 0, 1).ipv4(10, 0, 0, 2).u16(1).u16(2)),
                        "PROXY v2 LOCAL (the proxy's own connection), 28 bytes"),
                Arguments.of("v2 with TLVs", HeaderBytes.v2(0x21, 0x11, HeaderBytes.payload()
                                .ipv4(203, 0, 113, 7).ipv4(10, 0, 0, 1).u16(51000).u16(22)
                                .tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII))
                                .tlv(0x05, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                                .tlv(0x04, new byte[0])),
                        "PROXY v2 from 203.0.113.7:51000 to 10.0.0.1:22, 47 bytes"),
                Arguments.of("v2 UNSPEC", HeaderBytes.v2(0x21, 0x00, HeaderBytes.payload()),
                        "PROXY v2 UNKNOWN (no client address given), 16 bytes"),
                Arguments.of("v2 UNIX stream", HeaderBytes.v2(0x21, 0x31, HeaderBytes.payload().zeros(216)),
                        "PROXY v2 UNKNOWN (no client address given), 232 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeaders")
    void decodesHeaderAndLeavesTheSshVersionLine(String name, HeaderBytes header, String expected) {
        byte[] bytes = header.bytes();
        assertEquals(expected, outcome(bytes));
        assertEquals(expected, outcome(concat(bytes, SSH_VERSION)), "bytes after the header do not change it");
        assertEquals(expected, outcome(concat(bytes, bytes)), "a second header is SSH's problem, not part of this one");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeaders")
    void everyShorterPrefixNeedsMoreBytes(String name, HeaderBytes header, String expected) {
        byte[] bytes = header.bytes();
        for (int cut = 0; cut < bytes.length; cut++) {
            assertEquals("need more bytes", outcome(Arrays.copyOf(bytes, cut)), "first " + cut + " bytes");
        }
    }

    static Stream<Arguments> malformedHeaders() {
        HeaderBytes ipv4Addresses = HeaderBytes.payload().ipv4(1, 2, 3, 4).ipv4(5, 6, 7, 8).u16(1).u16(2);
        return Stream.of(
                Arguments.of(HeaderBytes.text("SSH-2.0-OpenSSH_9.2\r\n"), "no PROXY header (got 'SSH-2.0-Op...')"),
                Arguments.of(HeaderBytes.text("SSH"), "no PROXY header (got 'SSH')"),
                Arguments.of(HeaderBytes.text("PROXYTCP4"), "no PROXY header (got 'PROXYTCP4')"),
                Arguments.of(HeaderBytes.text("\r\n\r\n\u0000\r\nQUIT!"),
                        "no PROXY header (got '\\r\\n\\r\\n\\x00\\r\\nQUI...')"),
                Arguments.of(HeaderBytes.payload().u8(0x16).u8(0x03).u8(0x01),
                        "no PROXY header (got '\\x16\\x03\\x01')"),
                Arguments.of(HeaderBytes.text("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: unknown protocol 'TCP5'"),
                Arguments.of(HeaderBytes.text("PROXY \r\n"), "PROXY v1 header: unknown protocol ''"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"),
                        "PROXY v1 header: expected 'PROXY TCP4 src dst sport dport', got 5 fields"),
                Arguments.of(HeaderBytes.text("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: expected 'PROXY TCP4 src dst sport dport', got 7 fields"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: bad source address '1.2.3' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: bad source address '1.2.3.256' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: bad source address '01.2.3.4' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 ::1 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: bad source address '::1' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"),
                        "PROXY v1 header: bad source address '1.2.3.4' for TCP6"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.\u0001 5.6.7.8 1 2\r\n"),
                        "PROXY v1 header: bad source address '1.2.3.\\x01' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 localhost 1 2\r\n"),
                        "PROXY v1 header: bad destination address 'localhost' for TCP4"),
                Arguments.of(HeaderBytes.text("PROXY TCP6 ::1 1::2::3 1 2\r\n"),
                        "PROXY v1 header: bad destination address '1::2::3' for TCP6"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 x 22\r\n"),
                        "PROXY v1 header: bad source port 'x'"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 -1 22\r\n"),
                        "PROXY v1 header: bad source port '-1'"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n"),
                        "PROXY v1 header: bad destination port '65536'"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n"),
                        "PROXY v1 header: bad destination port ''"),
                Arguments.of(HeaderBytes.text("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"),
                        "PROXY v1 header: line ends in LF without CR"),
                Arguments.of(HeaderBytes.text("PROXY " + "A".repeat(101)),
                        "PROXY v1 header: no line end within 107 bytes"),
                Arguments.of(HeaderBytes.text("PROXY UNKNOWN " + "A".repeat(92) + "\r\n"),
                        "PROXY v1 header: no line end within 107 bytes"),
                Arguments.of(HeaderBytes.v2(0x11, 0x11, ipv4Addresses), "PROXY v2 header: unsupported version 1"),
                Arguments.of(HeaderBytes.v2(0x22, 0x11, ipv4Addresses), "PROXY v2 header: unknown command 0x2"),
                Arguments.of(HeaderBytes.v2(0x21, 0x41, ipv4Addresses), "PROXY v2 header: unknown address family 0x4"),
                Arguments.of(HeaderBytes.v2(0x21, 0x13, ipv4Addresses), "PROXY v2 header: unknown transport 0x3"),
                Arguments.of(HeaderBytes.v2(0x21, 0x12, ipv4Addresses),
                        "PROXY v2 header: DGRAM transport cannot carry SSH"),
                Arguments.of(HeaderBytes.v2(0x21, 0x11, HeaderBytes.payload().zeros(8)),
                        "PROXY v2 header: length 8 too short for INET addresses (12 bytes)"),
                Arguments.of(HeaderBytes.v2(0x21, 0x21, HeaderBytes.payload().zeros(V2_IPV4_ADDRESSES)),
                        "PROXY v2 header: length 12 too short for INET6 addresses (36 bytes)"),
                Arguments.of(HeaderBytes.v2(0x21, 0x11, HeaderBytes.payload().zeros(V2Parser.MAX_PAYLOAD + 1)),
                        "PROXY v2 header: length 2049 exceeds the limit of 2048"),
                Arguments.of(HeaderBytes.v2(0x21, 0x11, HeaderBytes.payload().zeros(V2_IPV4_ADDRESSES).u8(1).u8(0)),
                        "PROXY v2 header: truncated TLV at header byte 28"),
                Arguments.of(HeaderBytes.v2(0x21, 0x11,
                                HeaderBytes.payload().zeros(V2_IPV4_ADDRESSES).u8(0x04).u16(10).zeros(2)),
                        "PROXY v2 header: TLV type 0x04 of 10 bytes runs past the header end"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedHeaders")
    void rejectsMalformedHeaderWithReason(HeaderBytes header, String expected) {
        assertEquals(expected, outcome(header.bytes()));
    }

    @Test
    void rejectsOversizedLengthBeforeItsBytesArrive() {
        byte[] fixedPart = HeaderBytes.payload().raw(V2Parser.SIGNATURE).u8(0x21).u8(0x11).u16(65535).bytes();
        assertEquals("PROXY v2 header: length 65535 exceeds the limit of 2048", outcome(fixedPart),
                "judged from the fixed part alone, without waiting for 64 KiB");
    }

    /**
     * The decoder's verdict on {@code bytes}, placed mid-array between foreign bytes so that reading outside the
     * given range shows up as a wrong answer.
     */
    static String outcome(byte[] bytes) {
        byte[] surrounded = new byte[bytes.length + 6];
        Arrays.fill(surrounded, (byte) '\n');
        System.arraycopy(bytes, 0, surrounded, 3, bytes.length);
        try {
            return ProxyHeaderDecoder.decode(surrounded, 3, bytes.length)
                    .map(ProxyHeader::toString)
                    .orElse("need more bytes");
        } catch (ProxyHeaderException e) {
            return e.getMessage();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
