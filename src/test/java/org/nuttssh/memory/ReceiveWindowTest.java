package org.nuttssh.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nuttssh.memory.WindowBudget.MAX_WINDOW;
import static org.nuttssh.memory.WindowBudget.MIN_WINDOW;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nuttssh.testing.BusySender;

/** What senders may have in flight towards a node: windows that grow as bytes pass, within shares of a budget. */
class ReceiveWindowTest {

    /** max-memory 128m: windows may hold 16 MiB above their floors, one connection 4 MiB. */
    private static final long MEMORY = 128L << 20;
    private static final long SHARE = 4L << 20;

    private final WindowBudget budget = WindowBudget.of(MEMORY);

    @Test
    void aWindowStartsAtItsFloorAndGrowsAsItsBytesPassUpToItsLargest() {
        ReceiveWindow window = ReceiveWindow.open(new WindowAccount(budget), MAX_WINDOW);
        assertEquals(MIN_WINDOW, window.initial());
        assertEquals(MIN_WINDOW, budget.granted());

        assertEquals(2 * MIN_WINDOW, window.passedOn(MIN_WINDOW), "what passed, and as much again");
        assertEquals(MAX_WINDOW, BusySender.fill(window));
        assertEquals(MIN_WINDOW, window.passedOn(MIN_WINDOW), "at its largest, what passed and no more");
        assertEquals(MAX_WINDOW, budget.granted());
    }

    @Test
    void manyWindowsOfOneConnectionHoldItsShareAndAFloorEach() {
        WindowAccount account = new WindowAccount(budget);
        List<ReceiveWindow> windows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            windows.add(ReceiveWindow.open(account, MAX_WINDOW));
        }
        for (int round = 0; round < 10; round++) {
            windows.forEach(BusySender::fill);
        }
        long held = windows.stream().mapToLong(ReceiveWindow::level).sum();
        assertTrue(held <= SHARE + 64 * MIN_WINDOW, held + " bytes");
        assertTrue(held > SHARE, "the share is used: " + held);
        assertEquals(held, budget.granted());
    }

    @Test
    void anotherConnectionGrowsWhileOneHoldsItsShare() {
        WindowAccount greedy = new WindowAccount(budget);
        for (int i = 0; i < 8; i++) {
            BusySender.fill(ReceiveWindow.open(greedy, MAX_WINDOW));
        }
        assertEquals(MAX_WINDOW, BusySender.fill(ReceiveWindow.open(new WindowAccount(budget), MAX_WINDOW)));
    }

    @Test
    void theHeaviestWindowOfAConnectionAtItsShareYieldsToALighterOne() {
        WindowAccount account = new WindowAccount(budget);
        ReceiveWindow heavy = ReceiveWindow.open(account, MAX_WINDOW);
        BusySender.fill(heavy);
        BusySender.fill(ReceiveWindow.open(account, MAX_WINDOW));
        ReceiveWindow light = ReceiveWindow.open(account, MAX_WINDOW);
        BusySender.fill(light);

        heavy.passedOn(MAX_WINDOW / 2);
        assertEquals(MIN_WINDOW + SHARE / 3, heavy.level(), "it shrinks to its fair part: a third of the share");
        assertEquals(2 * MIN_WINDOW, light.passedOn(MIN_WINDOW), "the room it left goes to the light one");
    }

    @Test
    void whenTheBudgetIsShortTheHeaviestConnectionYields() {
        List<ReceiveWindow> heavy = new ArrayList<>();
        for (int connection = 0; connection < 4; connection++) {
            WindowAccount account = new WindowAccount(budget);
            for (int i = 0; i < 3; i++) {
                ReceiveWindow window = ReceiveWindow.open(account, MAX_WINDOW);
                BusySender.fill(window);
                heavy.add(window);
            }
        }
        ReceiveWindow late = ReceiveWindow.open(new WindowAccount(budget), MAX_WINDOW);
        assertEquals(MIN_WINDOW, BusySender.fill(late), "the budget is taken: the floor");

        heavy.get(0).passedOn(MAX_WINDOW / 2);
        assertEquals(MIN_WINDOW + budget.capacity() / 5 / 3, heavy.get(0).level(),
                "a heavy connection's window shrinks to its part: a fifth of the budget, shared by its three windows");
        assertEquals(2 * MIN_WINDOW, late.passedOn(MIN_WINDOW), "and the light connection's grows");
    }

    @Test
    void aClosedWindowGivesItsRoomBack() {
        WindowAccount account = new WindowAccount(budget);
        List<ReceiveWindow> windows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ReceiveWindow window = ReceiveWindow.open(account, MAX_WINDOW);
            BusySender.fill(window);
            windows.add(window);
        }
        ReceiveWindow last = windows.get(2);
        assertTrue(last.level() < MAX_WINDOW, "the share was taken by the first two");

        windows.get(0).close();
        windows.get(0).close();
        assertEquals(MAX_WINDOW, BusySender.fill(last));
        assertEquals(0, windows.get(0).passedOn(MIN_WINDOW), "a closed window gives nothing");
        assertEquals(2 * MAX_WINDOW, budget.granted());
    }

    @Test
    void aSenderPastItsCreditIsGivenBackWhatItCounts() {
        ReceiveWindow window = ReceiveWindow.open(new WindowAccount(budget), MAX_WINDOW);
        long over = 100;
        long credit = window.passedOn(MIN_WINDOW + over);
        // It had MIN_WINDOW, sent MIN_WINDOW + over: it counts -over, and may now send the window's new level.
        assertEquals(window.level(), credit - over);
    }
}
