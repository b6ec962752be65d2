package org.nuttssh.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

/** The pump's promises, with ends whose writes complete only when the test says so. */
class CircuitTest {

    /** An end that records everything and holds each write until {@link #completeWrite()}. */
    static final class FakeEnd implements CircuitEnd {
        final List<String> written = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        long released;
        final List<String> releases = new ArrayList<>();
        Circuit circuit;

        @Override
        public void attach(Circuit circuit) {
            this.circuit = circuit;
        }

        @Override
        public CompletionStage<Void> write(Buffer data) {
            assertTrue(pending.stream().allMatch(CompletableFuture::isDone), "one write outstanding at most");
            written.add(new String(data.array(), data.rpos(), data.available(), StandardCharsets.UTF_8));
            events.add("write");
            CompletableFuture<Void> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        }

        void completeWrite() {
            pending.stream().filter(f -> !f.isDone()).findFirst().orElseThrow().complete(null);
        }

        @Override
        public void release(long bytes, boolean moreWaiting) {
            released += bytes;
            releases.add(bytes + (moreWaiting ? " more waiting" : ""));
        }

        @Override
        public void shutdownOutput() {
            events.add("eof");
        }

        @Override
        public void close() {
            events.add("close");
        }

        @Override
        public String describe() {
            return "fake";
        }

        void send(String text) {
            circuit.onData(this, new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final FakeEnd initiator = new FakeEnd();
    private final FakeEnd target = new FakeEnd();
    private final AtomicInteger finished = new AtomicInteger();
    private final Circuit circuit = new Circuit(initiator, target, c -> finished.incrementAndGet());

    @Test
    void creditIsReturnedOnlyWhenTheSinkHasTakenTheBytes() {
        circuit.start();
        initiator.send("abc");
        assertEquals(List.of("abc"), target.written);
        assertEquals(0, initiator.released, "nothing released while the write is outstanding");

        target.completeWrite();
        assertEquals(3, initiator.released);
        assertEquals(3, circuit.bytesUp());
    }

    @Test
    void bytesArrivingDuringAWriteWaitAndGoOutTogetherInOrder() {
        circuit.start();
        initiator.send("1");
        initiator.send("2");
        initiator.send("3");
        assertEquals(List.of("1"), target.written);

        target.completeWrite();
        assertEquals(List.of("1", "23"), target.written);
        assertEquals(1, initiator.released);
        target.completeWrite();
        assertEquals(3, initiator.released);
    }

    @Test
    void aReleaseSaysWhetherMoreOfTheSourcesBytesWait() {
        circuit.start();
        initiator.send("1");
        initiator.send("22");
        target.completeWrite();
        target.completeWrite();
        initiator.send("333");
        target.completeWrite();
        assertEquals(List.of("1 more waiting", "2", "3"), initiator.releases);
    }

    @Test
    void eofFollowsTheDataBeforeIt() {
        circuit.start();
        initiator.send("last words");
        circuit.onEof(initiator);
        assertEquals(List.of("write"), target.events, "EOF waits for the outstanding write");

        target.completeWrite();
        assertEquals(List.of("write", "eof"), target.events);
    }

    @Test
    void bytesTowardsTheInitiatorWaitUntilItsChannelIsConfirmed() {
        circuit.start();
        target.send("banner");
        assertTrue(initiator.written.isEmpty());

        circuit.initiatorReady();
        assertEquals(List.of("banner"), initiator.written);
    }

    @Test
    void closeWithoutEofFlushesThenClosesTheOtherSideAndFinishesOnce() {
        circuit.start();
        circuit.initiatorReady();
        target.send("reply");
        circuit.onClosed(target);
        assertFalse(initiator.events.contains("close"), "the reply is still being written");

        initiator.completeWrite();
        assertEquals(List.of("write", "eof", "close"), initiator.events);
        assertEquals(0, finished.get());

        circuit.onClosed(initiator);
        assertEquals(1, finished.get());
        circuit.onClosed(initiator);
        assertEquals(1, finished.get());
    }

    @Test
    void bytesForAnEndThatClosedAreDropped() {
        circuit.start();
        circuit.initiatorReady();
        initiator.send("x");
        initiator.send("never delivered");
        circuit.onClosed(target);
        target.completeWrite();

        assertEquals(List.of("x"), target.written);
        assertTrue(initiator.events.contains("close"));
    }
}
