package org.nuttssh.circuit;

import java.util.UUID;

import io.vertx.core.buffer.Buffer;

/**
 * The event-bus frames between the two halves of a cross-node circuit: a type byte, the circuit id (16 bytes), then
 * the payload. Every node has one frame consumer, so frames name their circuit.
 */
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
    private static final int HEADER = 1 + 16;

    static Buffer data(UUID circuit, byte[] bytes, int offset, int length) {
        return header(DATA, circuit, length).appendBytes(bytes, offset, length);
    }

    static Buffer ack(UUID circuit, long bytes) {
        return header(ACK, circuit, 8).appendLong(bytes);
    }

    static Buffer eof(UUID circuit) {
        return header(EOF, circuit, 0);
    }

    static Buffer close(UUID circuit) {
        return header(CLOSE, circuit, 0);
    }

    static Frame type(Buffer frame) {
        int code = frame.getByte(0);
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown circuit frame type " + code);
        }
        return BY_CODE[code];
    }

    static UUID circuit(Buffer frame) {
        return new UUID(frame.getLong(1), frame.getLong(9));
    }

    /** The byte count an ACK carries. */
    static long count(Buffer frame) {
        return frame.getLong(HEADER);
    }

    static byte[] payload(Buffer frame) {
        return frame.getBytes(HEADER, frame.length());
    }

    private static Buffer header(Frame type, UUID circuit, int payload) {
        return Buffer.buffer(HEADER + payload).appendByte((byte) type.ordinal())
                .appendLong(circuit.getMostSignificantBits()).appendLong(circuit.getLeastSignificantBits());
    }
}
