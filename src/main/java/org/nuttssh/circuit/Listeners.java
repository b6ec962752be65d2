package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;

/** What a listening client's connection asks of the switchboard: to be found by its names, and to be forgotten. */
public interface Listeners {

    /** Publishes a listening client, or its new set of ports when it is already published. */
    CompletionStage<Void> publish(ListenerRecord record, ListeningClient client);

    CompletionStage<Void> withdraw(String id);
}
