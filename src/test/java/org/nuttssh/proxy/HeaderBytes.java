package org.nuttssh.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds PROXY headers byte by byte, as a proxy would send them, for the decoder and acceptor tests. */
final class HeaderBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static HeaderBytes text(String text) {
        return new HeaderBytes().ascii(text);
    }

    /** Signature, version/command byte, family/transport byte and the length of what {@code payload} holds. */
    static HeaderBytes v2(int versionCommand, int familyTransport, HeaderBytes payload) {
        byte[] rest = payload.bytes();
        return new HeaderBytes().raw(V2Parser.SIGNATURE).u8(versionCommand).u8(familyTransport).u16(rest.length)
                .raw(rest);
    }

    static HeaderBytes payload() {
        return new HeaderBytes();
    }

    HeaderBytes u8(int value) {
        out.write(value);
        return this;
    }

    HeaderBytes u16(int value) {
        return u8(value >> 8).u8(value & 0xff);
    }

    HeaderBytes ipv4(int a, int b, int c, int d) {
        return u8(a).u8(b).u8(c).u8(d);
    }

    HeaderBytes zeros(int count) {
        return raw(new byte[count]);
    }

    HeaderBytes tlv(int type, byte[] value) {
        return u8(type).u16(value.length).raw(value);
    }

    HeaderBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    HeaderBytes ascii(String text) {
        return raw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
