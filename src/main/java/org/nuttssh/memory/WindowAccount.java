package org.nuttssh.memory;

/**
 * One connection's part of the node's {@link WindowBudget}: every window the relay grants on the connection's
 * channels, and the cross-node credit of the circuits to it, is charged here, so that one connection cannot take the
 * budget the others need.
 */
public final class WindowAccount {

    final WindowBudget budget;

    // Guarded by the budget.
    long charged;
    int windows;

    /** A new connection's account in {@code budget}. */
    public WindowAccount(WindowBudget budget) {
        this.budget = budget;
    }
}
