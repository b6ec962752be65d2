package org.nuttssh.cluster.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NameIndex;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

/**
 * The cluster-wide registry: one Hazelcast map of listening clients (id to JSON), which every node mirrors into a
 * local {@link NameIndex} through entry events. Lookups and {@code list} answer from the mirror, so they never wait
 * on the network; writes go to the map asynchronously. Newest-first order comes from a cluster-wide counter, not
 * from clocks.
 *
 * <p>Ghosts cannot outlive their node: survivors purge a departed member's entries when Hazelcast reports it gone,
 * and {@link #reconcile} (run periodically) removes entries of nodes that are not members and restores this node's
 * own entries if a split or merge lost them.
 */
public final class HazelcastRegistry implements Registry, AutoCloseable {

    static final String MAP = "nuttssh.listeners";
    static final String COUNTERS = "nuttssh.counters";
    static final String SEQUENCE = "listener-sequence";

    private static final Logger log = LoggerFactory.getLogger(HazelcastRegistry.class);

    private final IMap<String, String> map;
    private final IMap<String, Long> counters;
    private final NameIndex mirror = new NameIndex();
    /** This node's own clients: the truth the shared map is repaired from. */
    private final Map<String, ListenerRecord> own = new ConcurrentHashMap<>();
    private final UUID listenerRegistration;

    private HazelcastRegistry(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP);
        this.counters = hazelcast.getMap(COUNTERS);
        this.listenerRegistration = map.addEntryListener(new Mirror(), true);
    }

    /** Joins the shared map; blocks while it loads the current entries, so call it at start, not on an I/O thread. */
    public static HazelcastRegistry start(HazelcastInstance hazelcast) {
        HazelcastRegistry registry = new HazelcastRegistry(hazelcast);
        registry.map.values().forEach(json -> registry.mirror.put(ListenerRecordJson.decode(json)));
        log.info("cluster registry: {} listening clients known", registry.mirror.records().size());
        return registry;
    }

    @Override
    public CompletionStage<Void> register(ListenerRecord record) {
        ListenerRecord known = own.get(record.id());
        CompletionStage<Long> assigned = known != null
                ? CompletableFuture.completedFuture(known.sequence())
                : counters.submitToKey(SEQUENCE, new SequenceIncrement());
        return assigned.thenCompose(number -> {
            ListenerRecord numbered = record.withSequence(number);
            own.put(numbered.id(), numbered);
            mirror.put(numbered);
            return map.setAsync(numbered.id(), ListenerRecordJson.encode(numbered));
        });
    }

    @Override
    public CompletionStage<Void> unregister(String id) {
        own.remove(id);
        mirror.remove(id);
        return map.deleteAsync(id).thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolve(String name, int index) {
        return CompletableFuture.completedFuture(mirror.resolve(name, index));
    }

    @Override
    public CompletionStage<List<Listing>> list() {
        return CompletableFuture.completedFuture(mirror.list());
    }

    @Override
    public int size() {
        return mirror.size();
    }

    /** A member left: drop its clients. Every survivor does this; deleting twice is harmless. */
    public void purgeNode(NodeId departed) {
        int purged = 0;
        for (ListenerRecord record : mirror.records()) {
            if (record.node().equals(departed)) {
                mirror.remove(record.id());
                map.deleteAsync(record.id());
                purged++;
            }
        }
        log.info("node {} left the cluster: purged {} of its listening clients", departed, purged);
    }

    /**
     * The safety net behind events: removes entries of nodes outside {@code members}, forgets mirrored entries the
     * map no longer has, and puts back this node's own entries the map lost. Blocks on the network: run it on a
     * scheduler thread.
     */
    public void reconcile(Set<NodeId> members) {
        Set<String> present = map.keySet();
        for (ListenerRecord record : mirror.records()) {
            if (!members.contains(record.node())) {
                log.info("removing ghost listener {} ({}) of departed node {}", record.hostname(), record.id(),
                        record.node());
                mirror.remove(record.id());
                map.deleteAsync(record.id());
            } else if (!present.contains(record.id()) && !own.containsKey(record.id())) {
                mirror.remove(record.id());
            }
        }
        for (ListenerRecord record : own.values()) {
            if (!present.contains(record.id())) {
                log.info("restoring listener {} ({}) missing from the cluster map", record.hostname(), record.id());
                mirror.put(record);
                map.setAsync(record.id(), ListenerRecordJson.encode(record));
            }
        }
    }

    /** Withdraws this node's clients from the cluster and stops mirroring (graceful leave). */
    @Override
    public void close() {
        Collection<String> ids = List.copyOf(own.keySet());
        ids.forEach(this::unregister);
        map.removeEntryListener(listenerRegistration);
    }

    /** Keeps the mirror in step with the shared map; events for one key arrive in order. */
    private final class Mirror implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String>, EntryEvictedListener<String, String>,
            EntryExpiredListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            mirror.put(ListenerRecordJson.decode(event.getValue()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            mirror.put(ListenerRecordJson.decode(event.getValue()));
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            if (!own.containsKey(event.getKey())) {
                mirror.remove(event.getKey());
            }
        }

        @Override
        public void entryEvicted(EntryEvent<String, String> event) {
            entryRemoved(event);
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
            entryRemoved(event);
        }
    }
}
