package org.nuttssh.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Listening clients by id and by name, each name's clients newest first (highest sequence first, ties broken by id
 * so every node orders alike): the registry's in-memory model. Every registry answers lookups from one of these (a
 * clustered one mirrors the shared map into it); it never does I/O, so its lock is only held briefly on any thread.
 * Names are indexed {@link ClientName#fold folded}, so {@code GW-Office} and {@code gw-office} are one name with one
 * newest-first order, whichever spelling each record carries; records themselves keep the spelling they were given,
 * so what other nodes store and read is unchanged. It remembers the names that left lately, so that an open to one
 * can wait for it to come back ({@link #resolveReturning}). A clustered node keeps every client of the cluster here,
 * so records are kept packed ({@link PackedRecord}) in two {@link OpenTable}s, about 150 bytes a client in all, and
 * unpacked when asked for.
 */
public final class NameIndex {

    /**
     * Where a waiting open goes on, when its name comes back or its wait is over. Not the registering thread: that
     * is a MINA I/O thread (a client here) or a Hazelcast event thread (a mirrored record), and the open's next step
     * (a channel to the device, a request to another node) is no work of theirs. At most
     * {@link Departures#MAX_WAITING} tasks at once, one per waiting open.
     */
    private static final Executor RESUME = ForkJoinPool.commonPool();

    private static final Comparator<PackedRecord> NEWEST_FIRST =
            Comparator.comparingLong(PackedRecord::sequence).reversed().thenComparing(PackedRecord::id);

    /**
     * The clients of a name that more than one client holds, or that is an alias: a name held only as one client's
     * hostname, the common case, is that client's record itself in {@link #byName}, at no cost of its own.
     */
    private static final class Holders {
        final String folded;
        /** Newest first. */
        final List<PackedRecord> clients = new ArrayList<>(2);

        Holders(String folded) {
            this.folded = folded;
        }
    }

    private final OpenTable<PackedRecord> byId = new OpenTable<>(PackedRecord::idHash);
    /** By folded name: a {@link PackedRecord} holding it alone as its hostname, or its {@link Holders}. */
    private final OpenTable<Object> byName = new OpenTable<>(NameIndex::foldedHash);
    private final Departures departures = new Departures();

    /**
     * Adds a client, or replaces the one with the same id (its names may not change, its ports may); opens waiting
     * for one of its names are answered on {@link #RESUME}, once the index is unlocked.
     */
    public void put(ListenerRecord record) {
        put(new PackedRecord(record, record.node()));
    }

    /** Like {@link #put(ListenerRecord)}, for a record packed by the caller (with its node's shared id, its own data). */
    public void put(PackedRecord record) {
        List<Runnable> answers = new ArrayList<>();
        synchronized (this) {
            String id = record.id();
            drop(id);
            byId.add(record);
            List<String> names = record.names();
            for (int i = 0; i < names.size(); i++) {
                String folded = ClientName.fold(names.get(i));
                Object held = byName.find(folded.hashCode(), holding(folded));
                if (held == null && i == 0) {
                    byName.add(record);
                } else {
                    Holders holders = held instanceof Holders shared ? shared : new Holders(folded);
                    if (held instanceof PackedRecord sole) {
                        holders.clients.add(sole);
                        byName.replace(folded.hashCode(), holding(folded), holders);
                    } else if (held == null) {
                        byName.add(holders);
                    }
                    int at = 0;
                    while (at < holders.clients.size() && NEWEST_FIRST.compare(holders.clients.get(at), record) < 0) {
                        at++;
                    }
                    holders.clients.add(at, record);
                }
                answers.addAll(departures.returned(folded, this::resolve));
            }
        }
        answers.forEach(RESUME::execute);
    }

    /** Removes a client; a name it leaves held by no client is remembered as gone ({@link #resolveReturning}). */
    public synchronized Optional<ListenerRecord> remove(String id) {
        Optional<PackedRecord> record = drop(id);
        record.ifPresent(gone -> gone.names().stream().map(ClientName::fold)
                .filter(folded -> byName.find(folded.hashCode(), holding(folded)) == null)
                .forEach(departures::left));
        return record.map(PackedRecord::record);
    }

    private Optional<PackedRecord> drop(String id) {
        PackedRecord record = byId.remove(id.hashCode(), packed -> packed.hasId(id));
        if (record != null) {
            for (String name : record.names()) {
                String folded = ClientName.fold(name);
                Object held = byName.find(folded.hashCode(), holding(folded));
                if (held == record) {
                    byName.remove(folded.hashCode(), holding(folded));
                } else if (held instanceof Holders holders) {
                    holders.clients.remove(record);
                    if (holders.clients.isEmpty()) {
                        byName.remove(folded.hashCode(), holding(folded));
                    } else if (holders.clients.size() == 1 && holders.clients.get(0).hostnameFoldsTo(folded)) {
                        byName.replace(folded.hashCode(), holding(folded), holders.clients.get(0));
                    }
                }
            }
        }
        return Optional.ofNullable(record);
    }

    public synchronized Optional<ListenerRecord> get(String id) {
        return packed(id).map(PackedRecord::record);
    }

    /** The client with this id, as packed: what a caller that packed it finds its own data in. */
    public synchronized Optional<PackedRecord> packed(String id) {
        return Optional.ofNullable(byId.find(id.hashCode(), packed -> packed.hasId(id)));
    }

    /** The client reached as {@code name~index}, whatever the case of {@code name}. */
    public synchronized Optional<ListenerRecord> resolve(String name, int index) {
        String folded = ClientName.fold(name);
        Object held = byName.find(folded.hashCode(), holding(folded));
        if (held instanceof PackedRecord sole) {
            return index == 0 ? Optional.of(sole.record()) : Optional.empty();
        }
        List<PackedRecord> clients = held instanceof Holders holders ? holders.clients : List.of();
        return index < clients.size() ? Optional.of(clients.get(index).record()) : Optional.empty();
    }

    /** Whether a {@link #byName} slot is that of {@code folded}. */
    private static Predicate<Object> holding(String folded) {
        return held -> held instanceof PackedRecord sole ? sole.hostnameFoldsTo(folded)
                : ((Holders) held).folded.equals(folded);
    }

    private static int foldedHash(Object held) {
        return held instanceof PackedRecord sole ? sole.foldedHostnameHash() : ((Holders) held).folded.hashCode();
    }

    /**
     * Like {@link #resolve}, but if {@code name} is held by no client and left within {@code wait}, the answer waits
     * up to {@code wait} for a client to take it again ({@link Departures}). Never blocks: the answer completes on
     * {@link #RESUME}, when the returning client is registered or, empty, when the wait is over.
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
        CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS, RESUME).execute(() -> {
            synchronized (this) {
                departures.gaveUp(folded, answer);
            }
            answer.complete(Optional.empty());
        });
        return answer;
    }

    public synchronized List<Listing> list() {
        // Each client unpacked once, whatever number of names it holds.
        Map<PackedRecord, ListenerRecord> unpacked = new IdentityHashMap<>(byId.size() * 2);
        Function<PackedRecord, ListenerRecord> record = packed -> unpacked.computeIfAbsent(packed,
                PackedRecord::record);
        Map<String, List<ListenerRecord>> snapshot = new HashMap<>(byName.size() * 2);
        for (Object held : byName.values()) {
            if (held instanceof PackedRecord sole) {
                ListenerRecord client = record.apply(sole);
                snapshot.put(ClientName.fold(client.hostname()), List.of(client));
            } else {
                Holders holders = (Holders) held;
                snapshot.put(holders.folded, holders.clients.stream().map(record).toList());
            }
        }
        return Listings.of(snapshot);
    }

    public synchronized int size() {
        return byId.size();
    }

    /** Names held by at least one client; names that differ only in case count once. */
    public synchronized int names() {
        return byName.size();
    }

    /**
     * Makes room for {@code clients} clients in all (most with one name), before that many are put at once: a joining
     * node mirrors every client of the cluster, and a table that grows on the way hashes each one again per doubling.
     */
    public synchronized void reserve(int clients) {
        byId.reserve(clients);
        byName.reserve(clients);
    }

    /** Every client, as packed. */
    public synchronized List<PackedRecord> packed() {
        return byId.values();
    }
}
