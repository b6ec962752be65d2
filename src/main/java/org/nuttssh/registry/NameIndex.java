package org.nuttssh.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Listening clients by id and by name, each name's clients newest first (highest sequence first, ties broken by id
 * so every node orders alike): the registry's in-memory model. Every registry answers lookups from one of these (a
 * clustered one mirrors the shared map into it); it never does I/O, so its lock is only held briefly on any thread.
 * Names are indexed {@link ClientName#fold folded}, so {@code GW-Office} and {@code gw-office} are one name with one
 * newest-first order, whichever spelling each record carries; records themselves keep the spelling they were given,
 * so what other nodes store and read is unchanged. It remembers the names that left lately, so that an open to one
 * can wait for it to come back ({@link #resolveReturning}).
 */
public final class NameIndex {

    private static final Comparator<ListenerRecord> NEWEST_FIRST =
            Comparator.comparingLong(ListenerRecord::sequence).reversed().thenComparing(ListenerRecord::id);

    private final Map<String, ListenerRecord> byId = new HashMap<>();
    /** By folded name. */
    private final Map<String, List<ListenerRecord>> byName = new HashMap<>();
    private final Departures departures = new Departures();
    /**
     * Where a waiting open goes on, when its name comes back or its wait is over. Not the registering thread: that
     * is a MINA I/O thread (a client here) or a Hazelcast event thread (a mirrored record), and the open's next step
     * (a channel to the device, a request to another node) is no work of theirs. At most
     * {@link Departures#MAX_WAITING} tasks at once, one per waiting open.
     */
    private final Executor resume = ForkJoinPool.commonPool();

    /**
     * Adds a client, or replaces the one with the same id (its names may not change, its ports may); opens waiting
     * for one of its names are answered on {@link #resume}, once the index is unlocked.
     */
    public void put(ListenerRecord record) {
        List<Runnable> answers = new ArrayList<>();
        synchronized (this) {
            drop(record.id());
            byId.put(record.id(), record);
            for (String name : record.names()) {
                String folded = ClientName.fold(name);
                List<ListenerRecord> clients = byName.computeIfAbsent(folded, n -> new ArrayList<>());
                int at = 0;
                while (at < clients.size() && NEWEST_FIRST.compare(clients.get(at), record) < 0) {
                    at++;
                }
                clients.add(at, record);
                answers.addAll(departures.returned(folded, this::resolve));
            }
        }
        answers.forEach(resume::execute);
    }

    /** Removes a client; a name it leaves held by no client is remembered as gone ({@link #resolveReturning}). */
    public synchronized Optional<ListenerRecord> remove(String id) {
        Optional<ListenerRecord> record = drop(id);
        record.ifPresent(gone -> gone.names().stream().map(ClientName::fold)
                .filter(folded -> !byName.containsKey(folded)).forEach(departures::left));
        return record;
    }

    private Optional<ListenerRecord> drop(String id) {
        ListenerRecord record = byId.remove(id);
        if (record != null) {
            for (String name : record.names()) {
                String folded = ClientName.fold(name);
                List<ListenerRecord> clients = byName.get(folded);
                clients.removeIf(client -> client.id().equals(id));
                if (clients.isEmpty()) {
                    byName.remove(folded);
                }
            }
        }
        return Optional.ofNullable(record);
    }

    public synchronized Optional<ListenerRecord> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The client reached as {@code name~index}, whatever the case of {@code name}. */
    public synchronized Optional<ListenerRecord> resolve(String name, int index) {
        List<ListenerRecord> clients = byName.getOrDefault(ClientName.fold(name), List.of());
        return index < clients.size() ? Optional.of(clients.get(index)) : Optional.empty();
    }

    /**
     * Like {@link #resolve}, but if {@code name} is held by no client and left within {@code wait}, the answer waits
     * up to {@code wait} for a client to take it again ({@link Departures}). Never blocks: the answer completes on
     * {@link #resume}, when the returning client is registered or, empty, when the wait is over.
     */
    public CompletionStage<Optional<ListenerRecord>> resolveReturning(String name, int index, Duration wait) {
        String folded = ClientName.fold(name);
        CompletableFuture<Optional<ListenerRecord>> answer;
        synchronized (this) {
            Optional<ListenerRecord> found = resolve(name, index);
            Optional<CompletableFuture<Optional<ListenerRecord>>> waiting = found.isPresent() || wait.isZero()
                    ? Optional.empty() : departures.await(folded, index, wait);
            if (waiting.isEmpty()) {
                return CompletableFuture.completedFuture(found);
            }
            answer = waiting.get();
        }
        CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS, resume).execute(() -> {
            synchronized (this) {
                departures.gaveUp(folded, answer);
            }
            answer.complete(Optional.empty());
        });
        return answer;
    }

    public synchronized List<Listing> list() {
        Map<String, List<ListenerRecord>> snapshot = new LinkedHashMap<>();
        byName.forEach((name, clients) -> snapshot.put(name, List.copyOf(clients)));
        return Listings.of(snapshot);
    }

    public synchronized int size() {
        return byId.size();
    }

    /** Names held by at least one client; names that differ only in case count once. */
    public synchronized int names() {
        return byName.size();
    }

    public synchronized Collection<ListenerRecord> records() {
        return List.copyOf(byId.values());
    }
}
