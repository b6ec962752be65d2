package org.nuttssh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.NodeId;

/** The credit a remote end sends to its far half. */
class RemoteEndTest {

    private final List<Frame> sent = new ArrayList<>();
    private final UUID circuit = UUID.randomUUID();
    private final RemoteEnd end = new RemoteEnd(circuit, new NodeId("node-b"), "gw1:22 on node b", sent::add, gone -> { });

    private List<Long> acks() {
        return sent.stream().filter(frame -> frame.kind() == Frame.Kind.ACK).map(Frame::count).toList();
    }

    @Test
    void creditWithNothingMoreWaitingGoesAtOnce() {
        end.release(5, false);
        assertEquals(List.of(5L), acks());
    }

    @Test
    void smallCreditsWhileMoreWaitsGoTogether() {
        end.release(32 * 1024, true);
        end.release(32 * 1024, true);
        assertEquals(List.of(), acks(), "held while more bytes wait and the credit is small");

        end.release(10, false);
        assertEquals(List.of(64L * 1024 + 10), acks(), "the last release before the queue empties sends it all");
    }

    @Test
    void heldCreditGoesOnceItReachesTheBatch() {
        long piece = RemoteEnd.ACK_BATCH / 4;
        for (int i = 0; i < 4; i++) {
            end.release(piece, true);
        }
        assertEquals(List.of(RemoteEnd.ACK_BATCH), acks());
        end.release(1, true);
        assertEquals(List.of(RemoteEnd.ACK_BATCH), acks());
    }

    @Test
    void ackFramesNameTheirCircuit() {
        end.release(1, false);
        assertEquals(circuit, sent.get(0).circuit());
    }
}
