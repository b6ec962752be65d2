package org.nuttssh.ssh.transport;

/**
 * What a session has received from its client since it was last asked: the keepalive probes only clients that were
 * silent for an interval, and a client that sends its own keepalives (OpenSSH's ServerAliveInterval, dbclient -K)
 * or carries traffic is never probed.
 */
public interface HeardFrom {

    /** A packet the client sent of its own accord: its keepalive, a channel's data, any request. */
    int OWN_PACKET = 1;
    /** A reply to one of the relay's global requests, which are the keepalive's probes. */
    int REPLY = 2;

    /** The kinds of packets ({@link #OWN_PACKET}, {@link #REPLY}) received since the previous call. */
    int takeHeard();
}
