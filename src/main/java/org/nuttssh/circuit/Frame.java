package org.nuttssh.circuit;

import io.vertx.core.buffer.Buffer;

/** The event-bus frames between the two halves of a cross-node circuit: a type byte, then its payload. */
enum Frame {
    /** Bytes from the sender's client. */
    DATA,
    /** Credit: this many bytes reached the client; the next DATA may follow. Payload: 8-byte count. */
    ACK,
    /** The sender's client sent EOF, after everything already acknowledged. */
    EOF,
    /** The sender's half is closed; nothing more will come. */
    CLOSE;

    private static final Frame[] BY_CODE = values();

    static Buffer data(byte[] bytes, int offset, int length) {
        return Buffer.buffer(length + 1).appendByte((byte) DATA.ordinal()).appendBytes(bytes, offset, length);
    }

    static Buffer ack(long bytes) {
        return Buffer.buffer(9).appendByte((byte) ACK.ordinal()).appendLong(bytes);
    }

    static Buffer eof() {
        return Buffer.buffer(1).appendByte((byte) EOF.ordinal());
    }

    static Buffer close() {
        return Buffer.buffer(1).appendByte((byte) CLOSE.ordinal());
    }

    static Frame type(Buffer frame) {
        int code = frame.getByte(0);
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown circuit frame type " + code);
        }
        return BY_CODE[code];
    }

    static byte[] payload(Buffer frame) {
        return frame.getBytes(1, frame.length());
    }
}
