package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;

/** What a listening client's connection asks of the switchboard: to be found by its names, and to be forgotten. */
public interface Listeners {

    /** Publishes a listening client, or its new set of ports when it is already published. */
    CompletionStage<Void> publish(ListenerRecord record, ListeningClient client);

    CompletionStage<Void> withdraw(String id);

    /**
     * Takes a listening client's names out of the registry while it stays connected: circuits routed to it before
     * every node heard still reach it, and opens from now on wait for it to register again (reconnect-wait). A drain
     * unlists a client a moment before it lets it go; {@link #withdraw} follows when it disconnects.
     */
    CompletionStage<Void> unlist(String id);
}
