package org.nuttssh.cluster.bus;

import java.util.UUID;

/**
 * One event-bus message between the two halves of a cross-node circuit. Every node has one frame consumer, so frames
 * name their circuit. {@link FrameCodec} puts them on the wire.
 *
 * <p>A DATA frame refers to the sender's bytes rather than copying them: the codec copies them once, straight into
 * the outgoing message. The sender must not change them afterwards; circuit ends own what they are given to write.
 *
 * @param count the byte count of an ACK, otherwise 0
 */
record Frame(Kind kind, UUID circuit, byte[] bytes, int offset, int length, long count) {

    enum Kind {
        /** Bytes from the sender's client. */
        DATA,
        /** Credit: this many more bytes reached the receiver's client. */
        ACK,
        /** The sender's client sent EOF, after the DATA before it. */
        EOF,
        /** The sender's half is closed; nothing more will come. */
        CLOSE
    }

    private static final byte[] NONE = new byte[0];

    static Frame data(UUID circuit, byte[] bytes, int offset, int length) {
        return new Frame(Kind.DATA, circuit, bytes, offset, length, 0);
    }

    static Frame ack(UUID circuit, long bytes) {
        return new Frame(Kind.ACK, circuit, NONE, 0, 0, bytes);
    }

    static Frame eof(UUID circuit) {
        return new Frame(Kind.EOF, circuit, NONE, 0, 0, 0);
    }

    static Frame close(UUID circuit) {
        return new Frame(Kind.CLOSE, circuit, NONE, 0, 0, 0);
    }
}
