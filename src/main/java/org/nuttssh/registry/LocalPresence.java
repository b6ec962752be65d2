package org.nuttssh.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.nuttssh.config.PresenceConfig;

/**
 * Presence on a node alone: a map in memory, in the order names were last seen, so that expired names and, past
 * the bound, the longest unseen ones are dropped from its head. Sightings are stamped with the clock as they happen,
 * so that order is the order of their times.
 */
public final class LocalPresence implements Presence {

    private final PresenceConfig config;
    private final Clock clock;
    /** By folded hostname, least recently seen first. */
    private final Map<String, Sighting> byName = new LinkedHashMap<>();

    public LocalPresence(PresenceConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public synchronized void seen(Sighting sighting) {
        byName.remove(sighting.key());
        byName.put(sighting.key(), sighting);
        prune();
    }

    @Override
    public synchronized CompletionStage<List<Sighting>> recent() {
        prune();
        return CompletableFuture.completedFuture(List.copyOf(byName.values()));
    }

    @Override
    public long unreadable() {
        return 0;
    }

    /** Drops what expired, then the longest unseen names while there are more than the bound. */
    private void prune() {
        Instant cutoff = clock.instant().minus(config.retention());
        Iterator<Sighting> oldestFirst = byName.values().iterator();
        while (oldestFirst.hasNext()) {
            Sighting oldest = oldestFirst.next();
            if (byName.size() <= config.maxEntries() && !oldest.lastSeen().isBefore(cutoff)) {
                return;
            }
            oldestFirst.remove();
        }
    }
}
