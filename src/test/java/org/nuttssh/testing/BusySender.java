package org.nuttssh.testing;

import org.nuttssh.memory.ReceiveWindow;

/** A sender that keeps its window full while the relay passes on everything it sends, as a bulk transfer does. */
public final class BusySender {

    /** Enough rounds for a window to grow from its floor to its largest, doubling each round, and some. */
    public static final int ROUNDS = 16;

    private BusySender() {
    }

    /** {@link #ROUNDS} rounds of a full window passed on; returns the level the window is left at. */
    public static long fill(ReceiveWindow window) {
        for (int round = 0; round < ROUNDS; round++) {
            window.passedOn(window.level());
        }
        return window.level();
    }
}
