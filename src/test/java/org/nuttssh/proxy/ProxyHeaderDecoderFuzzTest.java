package org.nuttssh.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.nuttssh.testing.Fuzz;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The first bytes of a connection, as anything may send them: random bytes and mutated v1 and v2 headers (followed by
 * an SSH version line, as on the wire). The decoder answers with a header, "need more", or a
 * {@link ProxyHeaderException}, never reads past what it was given, and never hangs.
 */
class ProxyHeaderDecoderFuzzTest {

    private static final byte[] SSH_VERSION = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);

    @Property(tries = 1000)
    void randomBytesAreAHeaderOrRefused(@ForAll("noise") byte[] bytes) throws Exception {
        decode(bytes);
    }

    @Property(tries = 3000)
    void mutatedHeadersAreAHeaderOrRefused(@ForAll("mutatedHeaders") byte[] bytes) throws Exception {
        decode(bytes);
    }

    private static void decode(byte[] bytes) throws Exception {
        Fuzz.endsOrRefusesWith(ProxyHeaderException.class, () -> ProxyHeaderDecoder.decode(bytes, 0, bytes.length)
                .ifPresent(header -> assertTrue(header.length() > 0 && header.length() <= bytes.length,
                        "a header of " + header.length() + " bytes in " + bytes.length)));
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Fuzz.noise(300);
    }

    @Provide
    Arbitrary<byte[]> mutatedHeaders() {
        List<byte[]> headers = List.of(
                HeaderBytes.text("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n").raw(SSH_VERSION).bytes(),
                HeaderBytes.text("PROXY TCP6 2001:db8::1 ::ffff:127.0.0.3 0 22\r\n").raw(SSH_VERSION).bytes(),
                HeaderBytes.text("PROXY UNKNOWN\r\n").raw(SSH_VERSION).bytes(),
                HeaderBytes.v2(0x21, 0x11, HeaderBytes.payload().ipv4(127, 0, 0, 3).ipv4(127, 0, 0, 1).u16(40000)
                        .u16(2222).tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII))).raw(SSH_VERSION).bytes(),
                HeaderBytes.v2(0x21, 0x21, HeaderBytes.payload().zeros(32).u16(1).u16(2)).raw(SSH_VERSION).bytes(),
                HeaderBytes.v2(0x20, 0x00, HeaderBytes.payload()).raw(SSH_VERSION).bytes(),
                HeaderBytes.v2(0x21, 0x31, HeaderBytes.payload().zeros(216)).bytes());
        return Fuzz.mutationsOf(headers);
    }
}
