package org.nuttssh.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Listening clients by id and by name, each name's clients newest first (highest sequence first, ties broken by id
 * so every node orders alike): the registry's in-memory model. Every registry answers lookups from one of these (a
 * clustered one mirrors the shared map into it); it never does I/O, so its lock is only held briefly on any thread.
 * Names are indexed {@link ClientName#fold folded}, so {@code GW-Office} and {@code gw-office} are one name with one
 * newest-first order, whichever spelling each record carries; records themselves keep the spelling they were given,
 * so what other nodes store and read is unchanged.
 */
public final class NameIndex {

    private static final Comparator<ListenerRecord> NEWEST_FIRST =
            Comparator.comparingLong(ListenerRecord::sequence).reversed().thenComparing(ListenerRecord::id);

    private final Map<String, ListenerRecord> byId = new HashMap<>();
    /** By folded name. */
    private final Map<String, List<ListenerRecord>> byName = new HashMap<>();

    /** Adds a client, or replaces the one with the same id (its names may not change, its ports may). */
    public synchronized void put(ListenerRecord record) {
        remove(record.id());
        byId.put(record.id(), record);
        for (String name : record.names()) {
            List<ListenerRecord> clients = byName.computeIfAbsent(ClientName.fold(name), n -> new ArrayList<>());
            int at = 0;
            while (at < clients.size() && NEWEST_FIRST.compare(clients.get(at), record) < 0) {
                at++;
            }
            clients.add(at, record);
        }
    }

    public synchronized Optional<ListenerRecord> remove(String id) {
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
