package org.nuttssh.circuit;

import java.util.Locale;

/**
 * Why a circuit was not opened, in categories few enough to count. Each refusal is counted once in the whole
 * cluster, by the node that decided it: a refusal decided by the node holding the listening client reaches the
 * initiator's node as {@link #REMOTE}, which that node does not count again.
 */
public enum RefusalReason {
    /** The target is not written NAME or NAME~N. */
    BAD_NAME,
    /** No listening client has that name (or that many older ones). */
    NO_SUCH_NAME,
    /** The client listens, but not on that port. */
    NO_SUCH_PORT,
    /** The initiator's key lacks access="initiate". */
    PROHIBITED,
    /** The initiator has as many circuits open as --max-circuits-per-client allows. */
    LIMIT,
    /** The relay is draining for a shutdown. */
    SHUTTING_DOWN,
    /** The listening client went away while the circuit was being opened. */
    TARGET_GONE,
    /** The listening client refused the channel, e.g. its target port is closed. */
    TARGET_REFUSED,
    /** The node holding the listening client could not be reached, or answered in error. */
    CONNECT_FAILED,
    /** Decided, and counted, by the node holding the listening client. */
    REMOTE;

    /** The metric label: {@code no_such_name}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
