package org.nuttssh.circuit;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;

/**
 * What a listening client's connection asks of the switchboard: to be found by its names, to be unlisted as a drain
 * lets it go, and to be forgotten.
 */
public interface Listeners {

    /**
     * How long a client stays connected, and reachable by circuits routed to it, after its names left the registry:
     * far above the time a withdrawal takes to reach the other nodes and an open already routed takes to arrive
     * (milliseconds on a LAN, tens of milliseconds on a loaded node), and small against the second or two a device
     * takes to reconnect elsewhere.
     */
    Duration UNLISTED_BEFORE_LEAVING = Duration.ofMillis(300);

    /** Publishes a listening client, or its new set of ports when it is already published. */
    CompletionStage<Void> publish(ListenerRecord record, ListeningClient client);

    CompletionStage<Void> withdraw(String id);

    /**
     * Takes a listening client's names out of the registry while it stays connected: circuits routed to it before
     * every node heard still reach it, and opens from now on wait for it to register again (reconnect-wait). A drain
     * unlists a client {@link #UNLISTED_BEFORE_LEAVING} before it lets it go; {@link #withdraw} follows when it
     * disconnects.
     */
    CompletionStage<Void> unlist(String id);
}
