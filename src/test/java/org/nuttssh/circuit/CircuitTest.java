package org.nuttssh.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.nuttssh.testing.RecordingEnd;

/** The pump's promises, with ends whose writes complete only when the test says so. */
class CircuitTest {

    private final RecordingEnd initiator = new RecordingEnd("initiator", true);
    private final RecordingEnd target = new RecordingEnd("target", true);
    private final AtomicInteger finished = new AtomicInteger();
    private final Circuit circuit = new Circuit(initiator, target, c -> finished.incrementAndGet());

    @Test
    void creditIsReturnedOnlyWhenTheSinkHasTakenTheBytes() {
        circuit.start();
        initiator.send("abc");
        assertEquals(List.of("abc"), target.writes());
        assertEquals(0, initiator.released(), "nothing released while the write is outstanding");

        target.completeOneWrite();
        assertEquals(3, initiator.released());
        assertEquals(3, circuit.bytesUp());
    }

    @Test
    void bytesArrivingDuringAWriteWaitAndGoOutTogetherInOrder() {
        circuit.start();
        initiator.send("1");
        initiator.send("2");
        initiator.send("3");
        assertEquals(List.of("1"), target.writes());

        target.completeOneWrite();
        assertEquals(List.of("1", "23"), target.writes());
        assertEquals(1, initiator.released());
        target.completeOneWrite();
        assertEquals(3, initiator.released());
    }

    @Test
    void aReleaseSaysWhetherMoreOfTheSourcesBytesWait() {
        circuit.start();
        initiator.send("1");
        initiator.send("22");
        target.completeOneWrite();
        target.completeOneWrite();
        initiator.send("333");
        target.completeOneWrite();
        assertEquals(List.of("1 more waiting", "2", "3"), initiator.releases());
    }

    @Test
    void eofFollowsTheDataBeforeIt() {
        circuit.start();
        initiator.send("last words");
        initiator.sendEof();
        assertEquals(List.of("data"), target.events(), "EOF waits for the outstanding write");

        target.completeOneWrite();
        assertEquals(List.of("data", "eof"), target.events());
    }

    @Test
    void bytesTowardsTheInitiatorWaitUntilItsChannelIsConfirmed() {
        circuit.start();
        target.send("banner");
        assertTrue(initiator.writes().isEmpty());

        circuit.initiatorReady();
        assertEquals(List.of("banner"), initiator.writes());
    }

    @Test
    void closeWithoutEofFlushesThenClosesTheOtherSideAndFinishesOnce() {
        circuit.start();
        circuit.initiatorReady();
        target.send("reply");
        target.closedByClient();
        assertFalse(initiator.events().contains("close"), "the reply is still being written");

        initiator.completeOneWrite();
        assertEquals(List.of("data", "eof", "close"), initiator.events());
        assertEquals(0, finished.get());

        initiator.closedByClient();
        assertEquals(1, finished.get());
        initiator.closedByClient();
        assertEquals(1, finished.get());
    }

    @Test
    void bytesForAnEndThatClosedAreDropped() {
        circuit.start();
        circuit.initiatorReady();
        initiator.send("x");
        initiator.send("never delivered");
        target.closedByClient();
        target.completeOneWrite();

        assertEquals(List.of("x"), target.writes());
        assertTrue(initiator.events().contains("close"));
    }
}
