package org.nuttssh.proxy;

import java.util.Optional;

/**
 * Reads the PROXY header (v1 or v2, whichever the bytes start with) at the start of a connection. Never reads past
 * the header: what follows belongs to SSH.
 */
final class ProxyHeaderDecoder {
    private ProxyHeaderDecoder() {
    }

    /**
     * @return the header, whose {@link ProxyHeader#length()} bytes are to be consumed; empty if the bytes so far are a
     *     valid beginning but the header is not complete (need more bytes)
     * @throws ProxyHeaderException if the bytes cannot be the start of a valid header
     */
    static Optional<ProxyHeader> decode(byte[] data, int offset, int length) throws ProxyHeaderException {
        if (startsWith(data, offset, length, V2Parser.SIGNATURE)) {
            return V2Parser.parse(data, offset, length);
        }
        if (startsWith(data, offset, length, V1Parser.PREFIX)) {
            return V1Parser.parse(data, offset, length);
        }
        if (isPrefixOf(data, offset, length, V2Parser.SIGNATURE) || isPrefixOf(data, offset, length, V1Parser.PREFIX)) {
            return Optional.empty();
        }
        throw new ProxyHeaderException("no PROXY header (got " + Quoted.preview(data, offset, length) + ")");
    }

    private static boolean startsWith(byte[] data, int offset, int length, byte[] expected) {
        return length >= expected.length && isPrefixOf(data, offset, expected.length, expected);
    }

    /** Whether the {@code length} bytes at {@code offset} match the start of {@code expected}. */
    private static boolean isPrefixOf(byte[] data, int offset, int length, byte[] expected) {
        if (length > expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (data[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
