package org.nuttssh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec();
    private final UUID circuit = UUID.randomUUID();

    /** The event bus puts its own header before the body, so decoding starts at an offset. */
    private Frame roundTrip(Frame frame) {
        Buffer wire = Buffer.buffer().appendString("header");
        codec.encodeToWire(wire, frame);
        return codec.decodeFromWire(6, wire);
    }

    @Test
    void dataCarriesOnlyTheSlice() {
        byte[] bytes = "..payload..".getBytes(StandardCharsets.US_ASCII);
        Frame decoded = roundTrip(Frame.data(circuit, bytes, 2, 7));
        assertEquals(Frame.Kind.DATA, decoded.kind());
        assertEquals(circuit, decoded.circuit());
        assertEquals("payload", new String(decoded.bytes(), decoded.offset(), decoded.length(),
                StandardCharsets.US_ASCII));
    }

    @Test
    void largeDataSurvivesByteForByte() {
        byte[] bytes = new byte[RemoteEnd.MAX_FRAME];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Frame decoded = roundTrip(Frame.data(circuit, bytes, 0, bytes.length));
        assertArrayEquals(bytes, Arrays.copyOfRange(decoded.bytes(), decoded.offset(), decoded.length()));
    }

    @Test
    void controlFramesKeepKindAndCount() {
        assertEquals(Frame.ack(circuit, 1L << 40), roundTrip(Frame.ack(circuit, 1L << 40)));
        assertEquals(Frame.Kind.EOF, roundTrip(Frame.eof(circuit)).kind());
        Frame close = roundTrip(Frame.close(circuit));
        assertEquals(Frame.Kind.CLOSE, close.kind());
        assertEquals(circuit, close.circuit());
    }

    @Test
    void unknownKindIsRejected() {
        Buffer wire = Buffer.buffer().appendByte((byte) 9).appendLong(1).appendLong(2);
        assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, wire));
    }
}
