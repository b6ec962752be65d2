package org.nuttssh.cluster.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.nuttssh.config.PresenceConfig;
import org.nuttssh.registry.Presence;
import org.nuttssh.registry.Sighting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.vertx.core.Vertx;

/**
 * Presence in a cluster: a Hazelcast map of its own ({@value #MAP}, which nodes of earlier releases never touch),
 * one sealed {@link Sighting} per folded hostname. Hazelcast keeps a backup of every entry on another member, so
 * what a node wrote outlives it. Each entry is written with the retention as its time to live, so Hazelcast drops
 * expired names; the map is bounded per member, least recently written first. Writes are asynchronous; reads run on
 * a Vert.x worker, never on the caller's thread.
 */
public final class HazelcastPresence implements Presence {

    static final String MAP = "nuttssh.presence";

    private static final Logger log = LoggerFactory.getLogger(HazelcastPresence.class);

    private final IMap<String, byte[]> map;
    private final PresenceCodec codec;
    private final PresenceConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final UnreadableRecords unreadable = new UnreadableRecords("presence entries");

    private HazelcastPresence(IMap<String, byte[]> map, PresenceCodec codec, PresenceConfig config, Clock clock,
                              Vertx vertx) {
        this.map = map;
        this.codec = codec;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    /**
     * Bounds the map on every member, as a dynamic configuration (members of earlier releases take it too), and
     * opens it. The first node to start sets the bound; a node configured otherwise says so and keeps the cluster's.
     */
    public static HazelcastPresence start(HazelcastInstance hazelcast, PresenceCodec codec, PresenceConfig config,
                                          Vertx vertx) {
        try {
            hazelcast.getConfig().addMapConfig(new MapConfig(MAP).setEvictionConfig(new EvictionConfig()
                    .setEvictionPolicy(EvictionPolicy.LRU).setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                    .setSize(config.maxEntries())));
        } catch (InvalidConfigurationException e) {
            log.warn("presence-max-entries {} differs from the cluster's bound, which stays: {}", config.maxEntries(),
                    e.getMessage());
        }
        return new HazelcastPresence(hazelcast.getMap(MAP), codec, config, Clock.systemUTC(), vertx);
    }

    @Override
    public void seen(Sighting sighting) {
        map.setAsync(sighting.key(), codec.encode(sighting), config.retention().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        log.warn("cannot record that {} was seen: {}", sighting.name(), failure.toString());
                    }
                });
    }

    @Override
    public CompletionStage<List<Sighting>> recent() {
        return vertx.executeBlocking(this::read, false).toCompletionStage();
    }

    /** Every entry that opens and has not expired; reads the whole map, so a worker thread's job. */
    private List<Sighting> read() {
        Instant cutoff = clock.instant().minus(config.retention());
        List<Sighting> recent = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : map.entrySet()) {
            codec.decode(entry.getKey(), entry.getValue()).ifPresentOrElse(sighting -> {
                if (!sighting.lastSeen().isBefore(cutoff)) {
                    recent.add(sighting);
                }
            }, () -> unreadable.seen(entry.getKey()));
        }
        return recent;
    }

    @Override
    public long unreadable() {
        return unreadable.count();
    }
}
