package org.nuttssh.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.nuttssh.metrics.PresenceStatistics;

/**
 * The registry as this node uses it, telling {@link Presence} of each listening client as it comes and goes: when
 * this node registers it, when it leaves, and when the node that held it is lost. It counts those comings and goings
 * (this node's) and how many names are offline, for the metrics; no count is per client.
 */
public final class PresenceKeeper implements Registry, PresenceStatistics {

    /**
     * How often the offline count is brought up to date for the metrics. Counting reads every entry, which in a
     * cluster means the shared map: once a minute is plenty for a number that changes as devices come and go.
     */
    public static final Duration COUNT_INTERVAL = Duration.ofMinutes(1);

    private final Registry registry;
    private final Presence presence;
    private final Clock clock;
    /** This node's registered clients by id, to know what a client was when it leaves. */
    private final Map<String, ListenerRecord> here = new ConcurrentHashMap<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private volatile int offline;

    public PresenceKeeper(Registry registry, Presence presence, Clock clock) {
        this.registry = registry;
        this.presence = presence;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> register(ListenerRecord record) {
        if (here.put(record.id(), record) == null) {
            connects.incrementAndGet();
        }
        return registry.register(record).thenRun(() -> presence.seen(Sighting.of(record, clock.instant())));
    }

    @Override
    public CompletionStage<Void> unregister(String id) {
        ListenerRecord record = here.remove(id);
        if (record != null) {
            disconnects.incrementAndGet();
            presence.seen(Sighting.of(record, clock.instant()));
        }
        return registry.unregister(id);
    }

    /** A node was lost with these clients: they were connected until now. */
    public void lost(Collection<ListenerRecord> clients) {
        clients.forEach(client -> presence.seen(Sighting.of(client, clock.instant())));
    }

    /** Names seen within the retention and held by no listening client now, on any node, sorted by name. */
    public CompletionStage<List<Sighting>> offline() {
        return registry.list().thenCombine(presence.recent(), (listings, seen) -> {
            Set<String> connected = listings.stream().flatMap(listing -> listing.record().names().stream())
                    .map(ClientName::fold).collect(Collectors.toSet());
            List<Sighting> gone = seen.stream().filter(sighting -> !connected.contains(sighting.key()))
                    .sorted(Comparator.comparing(Sighting::key)).toList();
            offline = gone.size();
            return gone;
        });
    }

    /** Brings the offline count up to date; returns at once. */
    public void count() {
        offline();
    }

    @Override
    public long connects() {
        return connects.get();
    }

    @Override
    public long disconnects() {
        return disconnects.get();
    }

    /** Names offline at the last count ({@link #offline}, {@link #count}). */
    @Override
    public int offlineCount() {
        return offline;
    }

    @Override
    public long unreadable() {
        return presence.unreadable();
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolve(String name, int index) {
        return registry.resolve(name, index);
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolveReturning(String name, int index, Duration wait) {
        return registry.resolveReturning(name, index, wait);
    }

    @Override
    public CompletionStage<List<Listing>> list() {
        return registry.list();
    }

    @Override
    public int size() {
        return registry.size();
    }

    @Override
    public int names() {
        return registry.names();
    }
}
