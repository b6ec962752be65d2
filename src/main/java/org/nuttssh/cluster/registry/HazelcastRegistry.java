package org.nuttssh.cluster.registry;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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

/**
 * The cluster-wide registry: one Hazelcast map of listening clients (id to record), which every node mirrors into a
 * local {@link NameIndex} through entry events. Lookups and {@code list} answer from the mirror, so they never wait
 * on the network; writes go to the map asynchronously. Newest-first order comes from a cluster-wide counter, not
 * from clocks.
 *
 * <p>Each node is the authority on its own clients. Records of nodes that are not members are not mirrored, and are
 * deleted: survivors purge a departed node's records when it goes, and {@link #resync} (after a merge, and
 * periodically as a safety net) rebuilds the mirror from the map, puts back this node's records that the map lost,
 * and removes records in this node's name that it does not hold.
 *
 * <p>Every write carries its owner's version ({@link VersionedRecord}); a node mirrors no value older than one it has
 * seen under that key ({@link Freshness}), and an owner that finds its record replaced by any other value, or
 * deleted, puts its current one back at once.
 */
public final class HazelcastRegistry implements Registry, AutoCloseable {

    static final String MAP = "nuttssh.listeners";
    static final String COUNTERS = "nuttssh.counters";
    static final String SEQUENCE = "listener-sequence";

    private static final Logger log = LoggerFactory.getLogger(HazelcastRegistry.class);

    private final IMap<String, byte[]> map;
    private final IMap<String, Long> counters;
    private final NodeId self;
    private final Supplier<List<NodeId>> members;
    private final RecordCodec codec;
    private final NameIndex mirror = new NameIndex();
    /** This node's own clients, as last written: the truth the shared map is repaired from. */
    private final Map<String, VersionedRecord> own = new ConcurrentHashMap<>();
    /** This node's write counter, the version of its next write. */
    private final AtomicLong writes = new AtomicLong();
    private final Freshness freshness = new Freshness();
    /** The highest sequence number seen in any record, the floor for the next one. */
    private final AtomicLong highestSequence = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final UnreadableRecords unreadable = new UnreadableRecords();
    private final UUID listenerRegistration;

    private HazelcastRegistry(HazelcastInstance hazelcast, NodeId self, Supplier<List<NodeId>> members,
                              RecordCodec codec) {
        this.map = hazelcast.getMap(MAP);
        this.counters = hazelcast.getMap(COUNTERS);
        this.self = self;
        this.members = members;
        this.codec = codec;
        this.listenerRegistration = map.addEntryListener(new Mirror(), true);
    }

    /**
     * Joins the shared map; blocks while it loads the current entries, so call it at start, not on an I/O thread.
     *
     * @param members the relay nodes that are members now, this one included
     * @param codec   how records are stored: sealed, or as plain JSON in an insecure cluster
     */
    public static HazelcastRegistry start(HazelcastInstance hazelcast, NodeId self, Supplier<List<NodeId>> members,
                                          RecordCodec codec) {
        HazelcastRegistry registry = new HazelcastRegistry(hazelcast, self, members, codec);
        registry.resync();
        log.info("cluster registry: {} listening clients known", registry.mirror.size());
        return registry;
    }

    @Override
    public CompletionStage<Void> register(ListenerRecord record) {
        VersionedRecord known = own.get(record.id());
        CompletionStage<Long> assigned = known != null
                ? CompletableFuture.completedFuture(known.record().sequence())
                : counters.submitToKey(SEQUENCE, new NextSequence(highestSequence.get() + 1));
        return assigned.thenCompose(number -> {
            VersionedRecord numbered = new VersionedRecord(record.withSequence(number), writes.incrementAndGet());
            own.put(record.id(), numbered);
            mirrorPut(numbered.record());
            return write(numbered);
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

    /** How often the mirror or the map was found out of step and repaired. */
    public long resyncs() {
        return resyncs.get();
    }

    /** Values in the map that did not open as records, since start: another secret, or not a relay's. */
    public long unreadable() {
        return unreadable.count();
    }

    /** A node is no longer a member: drop its clients. Every survivor does this; deleting twice is harmless. */
    public void purgeNode(NodeId departed) {
        int purged = 0;
        for (ListenerRecord record : mirror.records()) {
            if (record.node().equals(departed)) {
                mirror.remove(record.id());
                map.deleteAsync(record.id());
                purged++;
            }
        }
        freshness.forgetNode(departed);
        log.info("node {} left: purged {} of its listening clients", departed.shortId(), purged);
    }

    /**
     * Brings the map and the mirror in step, from the map as it is now: puts back this node's records that the map
     * lost or holds older or other values of (a split, a merge, or somebody writing them), deletes records in this
     * node's name that it does not hold and records of nodes that are not members, and mirrors everything else that
     * is not older than what was mirrored. Blocks on the network: run it on a worker thread.
     *
     * @return whether anything was out of step
     */
    public boolean resync() {
        Set<NodeId> current = new HashSet<>(members.get());
        Set<String> mirroredBefore = new HashSet<>();
        mirror.records().forEach(record -> mirroredBefore.add(record.id()));
        Map<String, byte[]> stored = new HashMap<>(map);
        boolean repaired = false;

        Map<String, VersionedRecord> readable = new HashMap<>();
        Map<String, ListenerRecord> found = new HashMap<>();
        for (Map.Entry<String, byte[]> entry : stored.entrySet()) {
            Optional<VersionedRecord> decoded = decode(entry.getKey(), entry.getValue());
            if (decoded.isEmpty()) {
                continue; // not ours to judge: it may be a node's with another secret, so it is only left unmirrored
            }
            ListenerRecord record = decoded.get().record();
            readable.put(entry.getKey(), decoded.get());
            if (record.node().equals(self)) {
                if (!own.containsKey(record.id())) {
                    log.info("removing {} from the cluster map: this node holds no such client", record.id());
                    map.deleteAsync(record.id());
                    repaired = true;
                }
            } else if (current.contains(record.node())) {
                if (freshness.admit(record.id(), record.node(), decoded.get().version())) {
                    found.put(record.id(), record);
                } else {
                    // An older value written back: keep the newer one mirrored; its owner puts it back.
                    mirror.get(record.id()).ifPresent(newer -> found.put(newer.id(), newer));
                }
            } else {
                log.info("removing {} from the cluster map: its node {} is not a member", record.id(),
                        record.node().shortId());
                map.deleteAsync(record.id());
                repaired = true;
            }
        }
        for (VersionedRecord mine : own.values()) {
            if (!mine.equals(readable.get(mine.record().id()))) {
                // A newer version: the other nodes may have seen this key removed, and would refuse the last one.
                putBackNewer(mine);
                repaired = true;
            }
            found.put(mine.record().id(), mine.record());
        }
        for (ListenerRecord record : found.values()) {
            repaired |= mirror.get(record.id()).map(known -> !known.equals(record)).orElse(true);
            mirrorPut(record);
        }
        for (String id : mirroredBefore) {
            if (!found.containsKey(id)) {
                mirror.remove(id);
                freshness.removed(id);
                repaired = true;
            }
        }
        if (repaired) {
            resyncs.incrementAndGet();
        }
        return repaired;
    }

    /** Withdraws this node's clients from the cluster and stops mirroring (graceful leave). */
    @Override
    public void close() {
        Collection<String> ids = List.copyOf(own.keySet());
        ids.forEach(this::unregister);
        map.removeEntryListener(listenerRegistration);
    }

    @Override
    public String toString() {
        return "cluster registry";
    }

    private Optional<VersionedRecord> decode(String key, byte[] value) {
        Optional<VersionedRecord> record = codec.decode(key, value);
        if (record.isEmpty()) {
            unreadable.seen(key);
        }
        return record;
    }

    private CompletionStage<Void> write(VersionedRecord mine) {
        return map.setAsync(mine.record().id(), codec.encode(mine.record(), mine.version()));
    }

    /** Puts this node's record back as it last wrote it. */
    private void putBack(VersionedRecord mine) {
        log.info("restoring listener {} ({}), replaced in the cluster map", mine.record().hostname(),
                mine.record().id());
        write(mine);
    }

    /** Puts this node's record back as a new write, unless the client went or changed its record meanwhile. */
    private void putBackNewer(VersionedRecord mine) {
        VersionedRecord newer = new VersionedRecord(mine.record(), writes.incrementAndGet());
        if (own.replace(mine.record().id(), mine, newer)) {
            log.info("restoring listener {} ({}) in the cluster map", mine.record().hostname(), mine.record().id());
            write(newer);
        }
    }

    private void mirrorPut(ListenerRecord record) {
        highestSequence.accumulateAndGet(record.sequence(), Math::max);
        mirror.put(record);
    }

    /** Keeps the mirror in step with the shared map; events for one key arrive in order. */
    private final class Mirror extends EntryChanges<byte[]> {

        /**
         * One of this node's records is put back at once, as a new write: it holds the client, whoever deleted the
         * entry, and the other nodes now refuse the version they saw removed.
         */
        @Override
        protected void removed(EntryEvent<String, byte[]> event) {
            VersionedRecord mine = own.get(event.getKey());
            if (mine == null) {
                mirror.remove(event.getKey());
                freshness.removed(event.getKey());
            } else {
                putBackNewer(mine);
            }
        }

        /**
         * Only records of member nodes are mirrored, and only if not older than the one mirrored. This node's own come
         * from {@code own}, never from the map: any other value under one of their keys (an older one, a forgery, an
         * unreadable one) is overwritten with the current one, and a record in its name that it does not hold (a
         * client gone meanwhile, or a replay) is deleted. The current one is written as it is, not as a new version:
         * the event of an earlier write of this node's may arrive after a later one, and must not start a loop.
         */
        @Override
        protected void stored(EntryEvent<String, byte[]> event) {
            Optional<VersionedRecord> decoded = decode(event.getKey(), event.getValue());
            VersionedRecord mine = own.get(event.getKey());
            if (mine != null) {
                if (!decoded.equals(Optional.of(mine))) {
                    putBack(mine);
                }
                return;
            }
            decoded.ifPresent(stored -> {
                ListenerRecord record = stored.record();
                if (record.node().equals(self)) {
                    map.deleteAsync(record.id());
                } else if (members.get().contains(record.node())
                        && freshness.admit(record.id(), record.node(), stored.version())) {
                    mirrorPut(record);
                }
            });
        }
    }
}
