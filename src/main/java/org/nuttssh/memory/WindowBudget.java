package org.nuttssh.memory;

/**
 * What the relay lets senders have in flight towards it, for the whole node: the SSH windows of circuit channels and
 * the credit other nodes get for cross-node circuits. A byte a sender may send without asking is a byte the relay may
 * have to hold, if the far end of its circuit stops reading; so these grants, not the heap the relay finds in use,
 * are what bounds the memory circuits take.
 *
 * <p>Each window ({@link ReceiveWindow}) keeps a floor of {@link #MIN_WINDOW} whatever happens, so every circuit
 * moves. Above it, a window grows as its bytes are passed on, and what it holds above the floor is charged to its
 * connection's {@link WindowAccount} and to this budget; a connection may hold {@link #ACCOUNT_SHARE} of the budget.
 * So what a node holds for circuits is at most the budget plus one floor per window, and for one connection at most
 * its share plus a floor per window, however many of its circuits stall.
 *
 * <p>Windows, accounts and this budget are changed under this object's lock only, in constant time per call.
 */
public final class WindowBudget {

    /**
     * The least window: one SSH packet (MINA's and OpenSSH's maximum packet is 32 KiB). MINA sends a window adjust
     * only once more than 16 KiB were released, so a window must stay above that for its sender never to stall.
     */
    public static final long MIN_WINDOW = 32 * 1024;
    /**
     * The most a window grows to, and so what one stalled circuit can hold per direction: the SSH window MINA and
     * OpenSSH use by default. Measured in docs/performance.md (issue 30): smaller windows cost bulk throughput.
     */
    public static final long MAX_WINDOW = 2 * 1024 * 1024;
    /**
     * The share of the memory bound that windows may hold above their floors, together. Clients are turned away from
     * 75 % of the bound (MemoryGuard), so this eighth on top stays under the 90 % mark at which new circuits are
     * refused; the rest is for the floors and for the garbage made between two collections. At the default max-memory
     * (256m) it is 32 MiB: sixteen circuits at their largest window at once, on a node, before windows shrink.
     */
    static final double SHARE_OF_MEMORY = 0.125;
    /**
     * The share of the budget one connection may hold: it takes four connections' stalled circuits to take it all. At
     * the smallest max-memory (64m) this is 2 MiB, one circuit at its largest window.
     */
    static final double ACCOUNT_SHARE = 0.25;

    final long capacity;
    final long accountShare;

    // Guarded by this.
    long charged;
    long granted;
    int accountsWithWindows;

    /** @param capacity what windows may hold above their floors, together */
    WindowBudget(long capacity) {
        this.capacity = capacity;
        this.accountShare = (long) (capacity * ACCOUNT_SHARE);
    }

    /** The budget of a node whose heap is bounded to {@code memoryBound} bytes. */
    public static WindowBudget of(long memoryBound) {
        return new WindowBudget((long) (memoryBound * SHARE_OF_MEMORY));
    }

    /** What windows may hold above their floors, together, in bytes. */
    public long capacity() {
        return capacity;
    }

    /** What windows hold now, floors included: what senders may have sent towards this node and it not passed on. */
    public synchronized long granted() {
        return granted;
    }
}
