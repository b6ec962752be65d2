package org.nuttssh.memory;

/**
 * What one sender may have sent towards the relay that the relay has not passed on yet: the SSH window of a
 * circuit's channel, or the credit of a cross-node circuit's far half. The relay gives credit back only for bytes it
 * has passed on, and only as much as its connection's {@link WindowAccount} and the node's {@link WindowBudget} allow.
 *
 * <p>A window starts at its floor. As its bytes are passed on it takes them back and as much again, doubling per
 * round like TCP's slow start, up to its largest. Where that would leave its account's share or the budget without
 * room for a floor's worth more, it is full there, and the heaviest wait first: a window holding more than its fair
 * part (its account's share divided among the account's windows, or, when the budget is short, its account's part
 * of the budget divided so) takes back only up to that part, and shrinks towards it; the others take what room there
 * is. A window that holds no more than its floor is never held back.
 */
public final class ReceiveWindow {

    private final WindowBudget budget;
    private final WindowAccount account;
    private final long max;
    /** What the window never goes below while open: {@link WindowBudget#MIN_WINDOW}, unless the max is smaller. */
    private final long floor;

    // Guarded by the budget.
    private long level;
    private boolean closed;

    private ReceiveWindow(WindowAccount account, long max) {
        this.budget = account.budget;
        this.account = account;
        this.max = max;
        this.floor = Math.min(WindowBudget.MIN_WINDOW, max);
        this.level = floor;
    }

    /**
     * A new window charged to {@code account}, at its floor: what the sender may send before the relay has passed
     * anything on.
     *
     * @param max the most the sender may ever be granted: the SSH window the channel was set up with, or the far
     *            node's limit
     */
    public static ReceiveWindow open(WindowAccount account, long max) {
        ReceiveWindow window = new ReceiveWindow(account, max);
        synchronized (window.budget) {
            if (account.windows++ == 0) {
                window.budget.accountsWithWindows++;
            }
            window.budget.granted += window.level;
        }
        return window;
    }

    /** The window the sender starts with: its floor, which nothing is charged for. */
    public long initial() {
        return floor;
    }

    /** What the sender may have in flight now, or the relay hold of it, credit not yet sent included. */
    public long level() {
        synchronized (budget) {
            return level;
        }
    }

    /**
     * The relay passed {@code bytes} of this sender's on (the far side took them).
     *
     * @return the credit to give the sender now (an SSH window adjust, an ACK); 0 holds it back
     */
    public long passedOn(long bytes) {
        synchronized (budget) {
            if (closed) {
                return 0;
            }
            long before = level;
            // Below zero only if the sender went past its credit (a cross-node writer may by one write): the debt is
            // kept, so that the credit given back next matches what the sender counts.
            setLevel(before - bytes);
            long wanted = Math.min(max, before + bytes);
            long cost = charge(wanted) - charge(level);
            long accountRoom = budget.accountShare - account.charged;
            long budgetRoom = budget.capacity - budget.charged;
            boolean accountFull = cost + WindowBudget.MIN_WINDOW > accountRoom;
            boolean budgetFull = cost + WindowBudget.MIN_WINDOW > budgetRoom;
            long next;
            if (!accountFull && !budgetFull) {
                next = wanted;
            } else if (heavy(charge(before), accountFull, budgetFull)) {
                next = Math.min(wanted, floor + Math.min(charge(before), fairCharge(accountFull, budgetFull)));
            } else {
                long room = Math.max(0, Math.min(accountRoom, budgetRoom));
                next = Math.min(wanted, floor + charge(level) + room);
            }
            next = Math.max(next, Math.max(level, floor));
            long give = next - level;
            setLevel(next);
            return give;
        }
    }

    /** The sender is gone: the window no longer counts. Idempotent. */
    public void close() {
        synchronized (budget) {
            if (closed) {
                return;
            }
            setLevel(0);
            closed = true;
            if (--account.windows == 0) {
                budget.accountsWithWindows--;
            }
        }
    }

    /**
     * Whether a window that held {@code held} above its floor takes more than its fair part where room is short: of
     * its account's share, among the account's windows; or, for its account, of the budget, among the accounts
     * holding windows.
     */
    private boolean heavy(long held, boolean accountFull, boolean budgetFull) {
        return accountFull && held * account.windows > budget.accountShare
                || budgetFull && (account.charged + held - charge(level)) * budget.accountsWithWindows
                        > budget.capacity;
    }

    /** The window's fair part above its floor where room is short; see {@link #heavy}. */
    private long fairCharge(boolean accountFull, boolean budgetFull) {
        long fair = Long.MAX_VALUE;
        if (accountFull) {
            fair = budget.accountShare / account.windows;
        }
        if (budgetFull) {
            fair = Math.min(fair, budget.capacity / budget.accountsWithWindows / account.windows);
        }
        return fair;
    }

    private void setLevel(long next) {
        long change = charge(next) - charge(level);
        account.charged += change;
        budget.charged += change;
        budget.granted += next - level;
        level = next;
    }

    /** What the window holds above its floor at {@code at}. */
    private long charge(long at) {
        return Math.max(0, at - floor);
    }
}
