package org.nuttssh.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nuttssh.testing.Await;

/** Load is shed by how full the heap is after a collection: clients first, circuits nearer the bound. */
class MemoryGuardTest {

    private static final long MB = 1024 * 1024;
    private final MemoryGuard guard = new MemoryGuard(100 * MB, Set.of("heap"));

    @Test
    void belowTheFirstMarkEverythingIsAccepted() {
        guard.collected(74 * MB);
        assertFalse(guard.refusesClients());
        assertFalse(guard.refusesCircuits());
        assertEquals(74 * MB, guard.usedAfterGc());
    }

    @Test
    void clientsAreRefusedBeforeCircuits() {
        guard.collected(75 * MB);
        assertTrue(guard.refusesClients());
        assertFalse(guard.refusesCircuits(), "the clients the relay has may still open circuits");
        guard.collected(90 * MB);
        assertTrue(guard.refusesClients());
        assertTrue(guard.refusesCircuits());
    }

    @Test
    void refusingStopsOnlyWellBelowTheMark() {
        guard.collected(91 * MB);
        guard.collected(86 * MB);
        assertTrue(guard.refusesCircuits(), "just below the mark: still refusing, no flapping");
        guard.collected(84 * MB);
        assertFalse(guard.refusesCircuits());
        assertTrue(guard.refusesClients());
        guard.collected(69 * MB);
        assertFalse(guard.refusesClients());
    }

    @Test
    void theReasonNamesTheSettingAndTheFigures() {
        guard.collected(80 * MB);
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
