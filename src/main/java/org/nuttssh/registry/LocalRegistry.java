package org.nuttssh.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/** The single-node registry: answers at once from memory. */
public final class LocalRegistry implements Registry {

    private final NameIndex index = new NameIndex();
    private final AtomicLong sequence = new AtomicLong();

    @Override
    public CompletionStage<Void> register(ListenerRecord record) {
        long assigned = index.get(record.id()).map(ListenerRecord::sequence).orElseGet(sequence::incrementAndGet);
        index.put(record.withSequence(assigned));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unregister(String id) {
        index.remove(id);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolve(String name, int index) {
        return CompletableFuture.completedFuture(this.index.resolve(name, index));
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolveReturning(String name, int index, Duration wait) {
        return this.index.resolveReturning(name, index, wait);
    }

    @Override
    public CompletionStage<List<Listing>> list() {
        return CompletableFuture.completedFuture(index.list());
    }

    @Override
    public int size() {
        return index.size();
    }

    @Override
    public int names() {
        return index.names();
    }
}
