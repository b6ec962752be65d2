package org.nuttssh.auth.revocation;

import java.nio.ByteBuffer;

/**
 * Reads SSH wire types (RFC 4251 section 5) from a buffer, refusing to read past it: a length from the file is
 * checked against what is left before anything is allocated, so no input makes it allocate more than the input.
 */
final class WireReader {

    private final ByteBuffer buffer;
    private final String what;

    WireReader(ByteBuffer buffer, String what) {
        this.buffer = buffer;
        this.what = what;
    }

    boolean hasMore() {
        return buffer.hasRemaining();
    }

    void skip(int bytes) throws KrlFormatException {
        need(bytes);
        buffer.position(buffer.position() + bytes);
    }

    int byteValue() throws KrlFormatException {
        need(1);
        return buffer.get() & 0xff;
    }

    long uint32() throws KrlFormatException {
        need(Integer.BYTES);
        return buffer.getInt() & 0xffffffffL;
    }

    long uint64() throws KrlFormatException {
        need(Long.BYTES);
        return buffer.getLong();
    }

    byte[] string() throws KrlFormatException {
        int length = length();
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** A string that holds no NUL byte, as OpenSSH reads names and key IDs (into C strings). */
    byte[] cstring(String name) throws KrlFormatException {
        byte[] bytes = string();
        for (byte b : bytes) {
            if (b == 0) {
                throw new KrlFormatException(name + " holds a NUL byte (expected: none; OpenSSH refuses it)");
            }
        }
        return bytes;
    }

    /** A string read as a reader of its own, which must be read to its end. */
    WireReader section(String name) throws KrlFormatException {
        int length = length();
        ByteBuffer slice = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return new WireReader(slice, name);
    }

    void expectEnd() throws KrlFormatException {
        if (buffer.hasRemaining()) {
            throw new KrlFormatException(what + " has " + buffer.remaining() + " bytes left over");
        }
    }

    private int length() throws KrlFormatException {
        long length = uint32();
        if (length > buffer.remaining()) {
            throw new KrlFormatException(what + ": a string of " + length + " bytes at offset "
                    + (buffer.position() - Integer.BYTES) + " runs past its end (" + buffer.remaining() + " left)");
        }
        return (int) length;
    }

    private void need(int bytes) throws KrlFormatException {
        if (buffer.remaining() < bytes) {
            throw new KrlFormatException(what + " ends early at offset " + buffer.position() + " (expected "
                    + bytes + " more bytes)");
        }
    }
}
