package org.nuttssh.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.nuttssh.testing.Await;

/**
 * Load is shed by how full the heap is after a collection: clients first, circuits nearer the bound; only a full
 * collection's figure starts a refusal, a young one's asks for a full collection.
 */
class MemoryGuardTest {

    private static final long MB = 1024 * 1024;
    /** How long a full collection took, in the tests that do not look at the wait it sets. */
    private static final Duration QUICK = Duration.ofMillis(5);

    private final AtomicInteger fullCollections = new AtomicInteger();
    private long now;
    private final MemoryGuard guard = new MemoryGuard(100 * MB, Set.of("heap"), fullCollections::incrementAndGet,
            () -> now);

    @Test
    void belowTheFirstMarkEverythingIsAccepted() {
        guard.collectedFull(74 * MB, QUICK);
        assertFalse(guard.refusesClients());
        assertFalse(guard.refusesCircuits());
        assertEquals(74 * MB, guard.usedAfterGc());
    }

    @Test
    void clientsAreRefusedBeforeCircuits() {
        guard.collectedFull(75 * MB, QUICK);
        assertTrue(guard.refusesClients());
        assertFalse(guard.refusesCircuits(), "the clients the relay has may still open circuits");
        guard.collectedFull(90 * MB, QUICK);
        assertTrue(guard.refusesClients());
        assertTrue(guard.refusesCircuits());
    }

    @Test
    void refusingStopsOnlyWellBelowTheMark() {
        guard.collectedFull(91 * MB, QUICK);
        guard.collectedFull(86 * MB, QUICK);
        assertTrue(guard.refusesCircuits(), "just below the mark: still refusing, no flapping");
        guard.collectedFull(84 * MB, QUICK);
        assertFalse(guard.refusesCircuits());
        assertTrue(guard.refusesClients());
        guard.collectedFull(69 * MB, QUICK);
        assertFalse(guard.refusesClients());
    }

    @Test
    void aYoungCollectionAboveAMarkAsksForAFullOneWhoseFigureDecides() {
        guard.collectedYoung(95 * MB);
        assertFalse(guard.refusesClients(), "the old generation's garbage is not a reason to refuse");
        assertFalse(guard.refusesCircuits());
        assertEquals(1, fullCollections.get());
        guard.collectedFull(30 * MB, QUICK);
        assertFalse(guard.refusesClients());
        assertEquals(30 * MB, guard.usedAfterGc());

        now += MemoryGuard.MIN_CONFIRM_INTERVAL.toNanos();
        guard.collectedYoung(80 * MB);
        assertEquals(2, fullCollections.get());
        guard.collectedFull(80 * MB, QUICK);
        assertTrue(guard.refusesClients(), "live: refused");
        assertFalse(guard.refusesCircuits());
    }

    @Test
    void aYoungCollectionEndsARefusalButDoesNotDeepenIt() {
        guard.collectedFull(80 * MB, QUICK);
        now += MemoryGuard.MIN_CONFIRM_INTERVAL.toNanos();
        guard.collectedYoung(95 * MB);
        assertTrue(guard.refusesClients());
        assertFalse(guard.refusesCircuits(), "95 MB may be garbage");
        assertEquals(1, fullCollections.get());
        guard.collectedYoung(60 * MB);
        assertFalse(guard.refusesClients(), "at most 60 MB live");
    }

    @Test
    void aYoungCollectionThatKeepsARefusalAsksForAFullOneWhichMayEndIt() {
        guard.collectedFull(92 * MB, QUICK);
        assertTrue(guard.refusesCircuits());
        now += MemoryGuard.MIN_CONFIRM_INTERVAL.toNanos();
        guard.collectedYoung(91 * MB);
        assertTrue(guard.refusesCircuits(), "91 MB may be live");
        assertEquals(1, fullCollections.get(), "or the garbage of the load that went");
        guard.collectedFull(40 * MB, QUICK);
        assertFalse(guard.refusesCircuits());
        assertFalse(guard.refusesClients());
    }

    @Test
    void aFullCollectionIsAskedForAtMostOncePerHundredOfItsDurations() {
        guard.collectedFull(30 * MB, Duration.ofMillis(50));
        now += Duration.ofMillis(4999).toNanos();
        guard.collectedYoung(80 * MB);
        assertEquals(0, fullCollections.get(), "within 100 x 50 ms of the last full collection");
        now += Duration.ofMillis(1).toNanos();
        guard.collectedYoung(80 * MB);
        guard.collectedYoung(80 * MB);
        assertEquals(1, fullCollections.get(), "once, until it reports");
        assertFalse(guard.refusesClients());
    }

    @Test
    void aFullCollectionThatNeverComesLetsYoungFiguresDecide() {
        guard.collectedYoung(80 * MB);
        now += MemoryGuard.ANSWER_WAIT.toNanos();
        guard.collectedYoung(80 * MB);
        assertFalse(guard.refusesClients(), "still within the wait");
        now += 1;
        guard.collectedYoung(80 * MB);
        assertTrue(guard.refusesClients(), "System.gc() ignored: the young figure decides, as before");
        assertEquals(1, fullCollections.get());
    }

    @Test
    void theReasonNamesTheSettingAndTheFigures() {
        guard.collectedFull(80 * MB, QUICK);
        assertEquals("the relay is near its memory bound: 80 of 100 MB in use after garbage collection "
                + "(max-memory)", guard.describe());
    }

    @Test
    void theBoundIsTheSettingOrTheJvmsHeapWhicheverIsSmaller() {
        try (MemoryGuard huge = MemoryGuard.start(Long.MAX_VALUE); MemoryGuard small = MemoryGuard.start(64 * MB)) {
            assertEquals(Runtime.getRuntime().maxMemory(), huge.bound());
            assertEquals(64 * MB, small.bound());
        }
    }

    @Test
    void aRealCollectionIsSeen() {
        try (MemoryGuard real = MemoryGuard.start(Long.MAX_VALUE)) {
            System.gc();
            Await.until("a collection to be reported", () -> real.usedAfterGc() > 0);
        }
    }
}
