package org.nuttssh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;
import org.nuttssh.circuit.EndEvents;
import org.nuttssh.memory.ReceiveWindow;
import org.nuttssh.memory.WindowAccount;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.BusySender;

/** The credit a remote end gives its far half, and waits for from it. */
class RemoteEndTest {

    private final List<Frame> sent = new ArrayList<>();
    private final UUID circuit = UUID.randomUUID();
    private final RemoteEnd end = new RemoteEnd(circuit, new NodeId("node-b"), "gw1:22 on node b", sent::add, gone -> { },
            true);

    private List<Long> acks() {
        return sent.stream().filter(frame -> frame.kind() == Frame.Kind.ACK).map(Frame::count).toList();
    }

    /** Attaches the end as its circuit would, charging what the far node sends to {@code account}. */
    private void attach(WindowAccount account) {
        attach(end, account);
    }

    private static void attach(RemoteEnd end, WindowAccount account) {
        end.attach(new EndEvents() {
            @Override
            public void onData(Buffer data) {
            }

            @Override
            public void onEof() {
            }

            @Override
            public void onClosed() {
            }

            @Override
            public WindowAccount joinedAccount() {
                return account;
            }
        });
    }

    private void attach() {
        attach(new WindowAccount(WindowBudget.of(1L << 30)));
    }

    @Test
    void creditWithNothingMoreWaitingGoesAtOnceAndGrowsTheWindow() {
        attach();
        end.release(5, false);
        assertEquals(List.of(10L), acks(), "the 5 bytes passed on, and as much again");
    }

    @Test
    void creditWhileMoreWaitsGoesInBatchesOfAnEighthOfTheWindow() {
        attach();
        end.release(5, true);
        assertEquals(List.of(), acks(), "held while more bytes wait and the credit is small");
        end.release(10, false);
        assertEquals(List.of(30L), acks(), "the last release before the queue empties sends it all");

        long window = RemoteEnd.INITIAL_CREDIT + 15;
        for (long given = 0; given < WindowBudget.MAX_WINDOW; given += window) {
            end.release(window, false); // a sender that keeps its window full: it grows to the largest
        }
        sent.clear();
        long piece = RemoteEnd.ACK_BATCH / 4;
        for (int i = 0; i < 4; i++) {
            end.release(piece, true);
        }
        assertEquals(List.of(RemoteEnd.ACK_BATCH), acks(), "at the largest window, a batch is ACK_BATCH");
    }

    @Test
    void aConnectionAtItsShareGetsBackOnlyWhatItPassedOn() {
        // max-memory 128m: a 16 MiB budget, 4 MiB for one connection, which three busy windows take.
        WindowAccount account = new WindowAccount(WindowBudget.of(128L << 20));
        for (int i = 0; i < 3; i++) {
            BusySender.fill(ReceiveWindow.open(account, WindowBudget.MAX_WINDOW));
        }

        attach(account);
        end.release(RemoteEnd.INITIAL_CREDIT, false);
        assertEquals(List.of(RemoteEnd.INITIAL_CREDIT), acks(), "what was passed on comes back, no more");
    }

    @Test
    void aWritePastTheCreditWaitsForTheFarNodesAck() {
        attach();
        CompletableFuture<Void> first = end.write(bytes((int) RemoteEnd.INITIAL_CREDIT)).toCompletableFuture();
        assertTrue(first.isDone(), "within the initial credit");
        CompletableFuture<Void> second = end.write(bytes(1)).toCompletableFuture();
        assertFalse(second.isDone(), "past it");

        end.receive(Frame.ack(circuit, 1));
        assertTrue(second.isDone(), "the far node gave credit back");
    }

    /**
     * A node of release 0.1 (df46318) never grants more than the bytes it wrote: a sender that waited past 32 KiB
     * would crawl at one round trip per 32 KiB; it keeps what that node expects in flight instead.
     */
    @Test
    void aPeerOfTheFirstFormatGetsTheTwoMebibytesItExpectsInFlight() {
        RemoteEnd toOld = new RemoteEnd(circuit, new NodeId("node-old"), "gw1:22 on node old", sent::add,
                gone -> { }, false);
        attach(toOld, new WindowAccount(WindowBudget.of(1L << 30)));
        CompletableFuture<Void> first = toOld.write(bytes((int) RemoteEnd.FIRST_FORMAT_CREDIT)).toCompletableFuture();
        assertTrue(first.isDone(), "within what a 0.1 node lets a sender have in flight");
        CompletableFuture<Void> second = toOld.write(bytes(1)).toCompletableFuture();
        assertFalse(second.isDone(), "past it");
        toOld.receive(Frame.ack(circuit, 1));
        assertTrue(second.isDone(), "the old node wrote a byte and said so");
    }

    @Test
    void ackFramesNameTheirCircuit() {
        attach();
        end.release(1, false);
        assertEquals(circuit, sent.get(0).circuit());
    }

    private static Buffer bytes(int length) {
        return new ByteArrayBuffer(new byte[length]);
    }
}
