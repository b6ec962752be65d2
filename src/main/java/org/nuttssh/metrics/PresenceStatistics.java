package org.nuttssh.metrics;

/**
 * What a node counts of listening clients coming and going, and of names gone: totals only, never a series per
 * client, so that a fleet of thousands is a handful of series. Every method is cheap and never blocks.
 */
public interface PresenceStatistics {

    /** Listening clients that registered on this node since start. */
    long connects();

    /** Listening clients that left this node since start. */
    long disconnects();

    /** Names seen within the retention and held by no listening client now, at the last count. */
    int offlineCount();

    /** Presence entries ignored since start because they did not open. */
    long unreadable();
}
