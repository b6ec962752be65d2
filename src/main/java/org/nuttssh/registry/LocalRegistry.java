package org.nuttssh.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The single-node registry: plain maps behind one lock. Every operation is short and never waits on I/O, so holding
 * the lock on a MINA I/O thread is fine.
 */
public final class LocalRegistry implements Registry {

    private final Map<String, ListenerRecord> byId = new HashMap<>();
    /** Name to client ids, newest first. */
    private final Map<String, LinkedList<String>> byName = new HashMap<>();

    @Override
    public synchronized CompletionStage<Void> register(ListenerRecord record) {
        ListenerRecord previous = byId.put(record.id(), record);
        if (previous == null) {
            for (String name : record.names()) {
                byName.computeIfAbsent(name, n -> new LinkedList<>()).addFirst(record.id());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> unregister(String id) {
        ListenerRecord record = byId.remove(id);
        if (record != null) {
            for (String name : record.names()) {
                LinkedList<String> ids = byName.get(name);
                ids.remove(id);
                if (ids.isEmpty()) {
                    byName.remove(name);
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Optional<ListenerRecord>> resolve(String name, int index) {
        List<String> ids = byName.getOrDefault(name, new LinkedList<>());
        Optional<ListenerRecord> found = index < ids.size() ? Optional.of(byId.get(ids.get(index))) : Optional.empty();
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public synchronized CompletionStage<List<Listing>> list() {
        Map<String, List<ListenerRecord>> snapshot = new LinkedHashMap<>();
        byName.forEach((name, ids) -> snapshot.put(name, ids.stream().map(byId::get).toList()));
        return CompletableFuture.completedFuture(Listings.of(snapshot));
    }
}
