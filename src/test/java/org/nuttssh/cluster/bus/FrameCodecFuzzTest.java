package org.nuttssh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.nuttssh.testing.Fuzz;

import io.vertx.core.buffer.Buffer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Frames from another node, garbled: what the codec makes of random and mutated wire bytes. It must return a frame
 * or refuse with an {@link IllegalArgumentException}, and never hang.
 */
class FrameCodecFuzzTest {

    private final FrameCodec codec = new FrameCodec();

    @Property(tries = 1000)
    void randomBytesDecodeOrAreRefused(@ForAll("noise") byte[] wire) throws Exception {
        decodeOrRefuse(wire);
    }

    @Property(tries = 2000)
    void mutatedFramesDecodeOrAreRefused(@ForAll("mutatedFrames") byte[] wire) throws Exception {
        decodeOrRefuse(wire);
    }

    private void decodeOrRefuse(byte[] bytes) throws Exception {
        Buffer wire = Buffer.buffer(bytes);
        Fuzz.endsOrRefusesWith(IllegalArgumentException.class, () -> {
            Frame frame = codec.decodeFromWire(0, wire);
            assertTrue(frame.length() <= bytes.length, "a frame holds no more than the wire carried");
        });
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Fuzz.noise(64);
    }

    @Provide
    Arbitrary<byte[]> mutatedFrames() {
        UUID circuit = UUID.randomUUID();
        List<Frame> frames = List.of(Frame.data(circuit, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 5),
                Frame.ack(circuit, 1L << 40), Frame.eof(circuit), Frame.close(circuit));
        return Fuzz.mutationsOf(frames.stream().map(this::encode).toList());
    }

    private byte[] encode(Frame frame) {
        Buffer wire = Buffer.buffer();
        codec.encodeToWire(wire, frame);
        return wire.getBytes();
    }

}
