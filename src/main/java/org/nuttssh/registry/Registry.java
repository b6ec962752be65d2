package org.nuttssh.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Maps client names to listening clients, newest first. The local implementation answers at once; a clustered one
 * talks to a shared store, so every operation is asynchronous and none may block the caller's thread.
 */
public interface Registry {

    /**
     * Adds a listening client under all its names, or updates its ports when its id is already known. A client
     * keeps its place in the newest-first order for as long as it stays registered.
     */
    CompletionStage<Void> register(ListenerRecord record);

    /** Removes the client with this id from all its names; unknown ids are ignored. */
    CompletionStage<Void> unregister(String id);

    /**
     * The client reached as {@code name~index}: index 0 is the newest client holding that name, in any case
     * ({@link ClientName#fold}).
     */
    CompletionStage<Optional<ListenerRecord>> resolve(String name, int index);

    /**
     * Like {@link #resolve}, but a name that no client holds and that left within {@code wait} (its client moving to
     * another node, or reconnecting) is waited for, up to {@code wait}, and resolved when a client takes it again;
     * empty if none does. A name never seen, or gone longer, is answered at once. Answered from memory, never blocking.
     */
    CompletionStage<Optional<ListenerRecord>> resolveReturning(String name, int index, Duration wait);

    /** Every listening client once, under its hostname, newest first per name. */
    CompletionStage<List<Listing>> list();

    /** How many listening clients there are, on every node; answered from memory, for metrics. */
    int size();

    /** How many names (hostnames and aliases) those clients hold; answered from memory, for metrics. */
    int names();
}
