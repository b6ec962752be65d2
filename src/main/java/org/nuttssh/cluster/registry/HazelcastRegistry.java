package org.nuttssh.cluster.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NameIndex;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PackedRecord;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * The cluster-wide registry: one Hazelcast map of listening clients, which every node mirrors into a local
 * {@link NameIndex} through entry events ({@link RegistryMirror}). Lookups and {@code list} answer from the mirror, so
 * they never wait on the network; writes go to the map asynchronously. Newest-first order comes from sequence numbers
 * that each node gives its new listening clients: the time in microseconds, but always above the highest number it
 * has seen anywhere or given (a hybrid logical clock). A client registered after another one was known is numbered
 * above it whatever the clocks say, and clients registered at once on two nodes are ordered by time within the
 * nodes' clock skew. No shared counter: one that any member can write (a stranger wrote text over it) stopped every
 * registration, and one on a stranger's partition would be the stranger's to answer.
 *
 * <p>Each node is the authority on its own clients, its slice of the map ({@link RecordKey}). Records of nodes that
 * are not members are neither mirrored nor kept: survivors purge a departed node's records, and a full
 * {@link #resync} (at start and after a merge) rebuilds the mirror from the whole map.
 *
 * <p>Every write carries its owner's version ({@link VersionedRecord}); a node mirrors no value older than one it has
 * seen under that key ({@link Freshness}), and an owner that finds its record replaced by any other value, or
 * deleted, puts its current one back at once.
 *
 * <p>Events can be lost (a member crashing, a full event queue). The safety net is {@link #check}
 * ({@link RegistryRepair}).
 */
public final class HazelcastRegistry implements Registry, AutoCloseable {

    static final String MAP = "nuttssh.listeners";
    /** Each node's ledger: the digest of its slice as it wrote it, under its node id. */
    static final String LEDGERS = "nuttssh.ledgers";
    /** Release df46318's shared listener counter, kept a number for its nodes ({@link OldSequence}). */
    static final String COUNTERS = "nuttssh.counters";
    static final String SEQUENCE = "listener-sequence";

    private static final Logger log = LoggerFactory.getLogger(HazelcastRegistry.class);

    private final IMap<String, byte[]> map;
    private final IMap<String, Object> counters;
    private final UUID oldSequence;
    private final NodeId self;
    private final RecordCodec codec;
    /** This node's own clients by key, as last written: the truth its slice is repaired from. */
    private final Map<String, VersionedRecord> own = new ConcurrentHashMap<>();
    /** What this node's slice holds, as far as this node knows: the values it wrote, or last saw of its own. */
    private final Slices ownSlice = new Slices();
    /** This node's write counter, the version of its next write. */
    private final AtomicLong writes = new AtomicLong();
    /** The last sequence number this node gave. */
    private final AtomicLong sequence = new AtomicLong();
    private final RegistryMirror mirror;
    private final RegistryRepair repair;

    private HazelcastRegistry(HazelcastInstance hazelcast, NodeId self, NodeMembers members,
                              RecordCodec codec) {
        this.map = hazelcast.getMap(MAP);
        IMap<String, byte[]> ledgers = hazelcast.getMap(LEDGERS);
        this.counters = hazelcast.getMap(COUNTERS);
        this.self = self;
        this.codec = codec;
        OwnWrites ownWrites = new OwnWrites();
        this.mirror = new RegistryMirror(map, hazelcast.getCluster(), self, members, codec, ownWrites);
        this.repair = new RegistryRepair(map, ledgers, self, members, codec, mirror, ownWrites);
        this.oldSequence = counters.addEntryListener(new OldSequence(counters, mirror), true);
    }

    /**
     * What the registry needs of every member's configuration: an index that finds a node's slice, and the classes it
     * runs on other members let through the deserialisation filter (turned on if it was not).
     */
    public static void configure(Config hazelcast) {
        hazelcast.getMapConfig(MAP).addIndexConfig(RecordKey.index());
        SerializationConfig serialization = hazelcast.getSerializationConfig();
        if (serialization.getJavaSerializationFilterConfig() == null) {
            serialization.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        }
        serialization.getJavaSerializationFilterConfig().getWhitelist()
                .addClasses(NextSequence.class.getName(), SliceSum.class.getName(), SliceDigest.class.getName());
    }

    /**
     * Joins the shared map; blocks while it loads the current entries, so call it at start, not on an I/O thread.
     *
     * @param members the relay nodes that are members now, this one included
     * @param codec   how records are stored: sealed, or as plain JSON in an insecure cluster
     */
    public static HazelcastRegistry start(HazelcastInstance hazelcast, NodeId self, NodeMembers members,
                                          RecordCodec codec) {
        HazelcastRegistry registry = new HazelcastRegistry(hazelcast, self, members, codec);
        registry.resync();
        log.info("cluster registry: {} listening clients known", registry.size());
        return registry;
    }

    @Override
    public CompletionStage<Void> register(ListenerRecord record) {
        VersionedRecord known = own.get(RecordKey.of(record));
        long number = known != null ? known.record().sequence()
                : sequence.updateAndGet(last -> Math.max(Math.max(last, mirror.highestSequence()) + 1, micros()));
        VersionedRecord numbered = new VersionedRecord(record.withSequence(number), writes.incrementAndGet());
        own.put(RecordKey.of(record), numbered);
        mirror.putOwn(numbered.record());
        return write(numbered);
    }

    @Override
    public CompletionStage<Void> unregister(String id) {
        String key = RecordKey.of(id, self);
        own.remove(key);
        ownSlice.remove(key);
        mirror.removeOwn(id);
        return map.deleteAsync(key).thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolve(String name, int index) {
        return CompletableFuture.completedFuture(mirror.index().resolve(name, index));
    }

    @Override
    public CompletionStage<Optional<ListenerRecord>> resolveReturning(String name, int index, Duration wait) {
        return mirror.index().resolveReturning(name, index, wait);
    }

    @Override
    public CompletionStage<List<Listing>> list() {
        return CompletableFuture.completedFuture(mirror.index().list());
    }

    @Override
    public int size() {
        return mirror.index().size();
    }

    @Override
    public int names() {
        return mirror.index().names();
    }

    /** How the registry's repairs went so far. */
    public RepairTally repairs() {
        return repair.tally();
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Values in the map that did not open as records, since start: another secret, or not a relay's. */
    public long unreadable() {
        return mirror.unreadable();
    }

    /** The clients this node's mirror holds for {@code node}; read from memory, so any thread may ask. */
    public List<ListenerRecord> clientsOf(NodeId node) {
        return mirror.index().packed().stream().filter(record -> record.node().equals(node))
                .map(PackedRecord::record).toList();
    }

    /**
     * A node is no longer a member: its clients leave this node's mirror at once. Touches no map, so it may run on
     * the event thread that tells of the departure; {@link #removeSlice} then clears the map.
     */
    public void purgeNode(NodeId departed) {
        repair.purgeNode(departed);
    }

    /**
     * Removes a departed node's slice and ledger from the map. Every survivor does this; removing twice is harmless.
     * Blocks on the network: a worker thread's job.
     */
    public void removeSlice(NodeId departed) {
        repair.removeSlice(departed);
    }

    /**
     * Brings the map and the mirror in step from the whole map as it is now: after a merge, both sides missed what the
     * other did. Reads and opens every record, and blocks on the network: a worker thread's job.
     *
     * @return whether anything was out of step
     */
    public boolean resync() {
        return repair.resync();
    }

    /**
     * The periodic safety net behind entry events ({@link RegistryRepair}). Blocks on the network: a worker thread's
     * job.
     *
     * @return whether anything was out of step
     */
    public boolean check() {
        return repair.check();
    }

    /**
     * Writes each of this node's records again, sealed as the codec seals now: after the cluster secret it seals with
     * changed, so that what a holder of only the other secret could read is replaced. Writes asynchronously.
     */
    public void reseal() {
        List.copyOf(own.values()).forEach(this::rewrite);
    }

    /** A member proved which node it is: its slice, left unmirrored until now, is read. Blocks on the network. */
    public boolean proven(NodeId node) {
        return repair.proven(node);
    }

    /** Withdraws this node's clients from the cluster and stops mirroring (graceful leave). */
    @Override
    public void close() {
        Collection<VersionedRecord> mine = List.copyOf(own.values());
        mine.forEach(record -> unregister(record.record().id()));
        repair.withdraw();
        counters.removeEntryListener(oldSequence);
        mirror.close();
    }

    @Override
    public String toString() {
        return "cluster registry";
    }

    private CompletionStage<Void> write(VersionedRecord mine) {
        String key = RecordKey.of(mine.record());
        byte[] value = codec.encode(mine.record(), mine.version());
        ownSlice.put(key, self, value);
        return map.setAsync(key, value);
    }

    /** Puts this node's record back as it last wrote it. */
    private void putBack(VersionedRecord mine) {
        log.info("restoring listener {} ({}), replaced in the cluster map", mine.record().hostname(),
                mine.record().id());
        write(mine);
    }

    /** Puts this node's record back as a new write, unless the client went or changed its record meanwhile. */
    private void putBackNewer(VersionedRecord mine) {
        if (rewrite(mine)) {
            log.info("restoring listener {} ({}) in the cluster map", mine.record().hostname(), mine.record().id());
        }
    }

    /** Writes this node's record again as a new version, unless the client went or changed its record meanwhile. */
    private boolean rewrite(VersionedRecord mine) {
        VersionedRecord newer = new VersionedRecord(mine.record(), writes.incrementAndGet());
        if (own.replace(RecordKey.of(mine.record()), mine, newer)) {
            write(newer);
            return true;
        }
        return false;
    }

    /** This node's records come from its writes, never from the map: it keeps its own slice as it wrote it. */
    private final class OwnWrites implements RegistryMirror.OwnEvents, RegistryRepair.OwnSlice {

        /**
         * One of this node's records is put back at once, as a new write: it holds the client, whoever deleted the
         * entry, and the other nodes now refuse the version they saw removed.
         */
        @Override
        public boolean restore(String key) {
            VersionedRecord mine = own.get(key);
            if (mine != null) {
                putBackNewer(mine);
            }
            return mine != null;
        }

        /**
         * Any other value under one of this node's keys (an older one, a forgery, an unreadable one) is overwritten
         * with the current one, and anything else in its slice (a client gone meanwhile, a replay, a stranger's value)
         * is deleted. The current one is written as it is, not as a new version: the event of an earlier write of
         * this node's may arrive after a later one, and must not start a loop.
         */
        @Override
        public void stored(String key, Optional<VersionedRecord> decoded, byte[] value) {
            VersionedRecord mine = own.get(key);
            if (mine == null) {
                map.deleteAsync(key);
            } else if (decoded.equals(Optional.of(mine))) {
                ownSlice.put(key, self, value);
            } else {
                putBack(mine);
            }
        }

        @Override
        public SliceDigest written() {
            return ownSlice.digest(self);
        }

        /**
         * Makes this node's slice hold what it wrote: records it does not hold are deleted, and its records that are
         * missing or hold another value are put back as new writes (the other nodes may have seen the key removed,
         * and would refuse the version they saw last).
         */
        @Override
        public boolean repair(Map<String, byte[]> slice) {
            boolean repaired = false;
            // A put-back racing an unregister may have left the hash of a value no longer meant to be there.
            ownSlice.keysOf(self).stream().filter(key -> !own.containsKey(key))
                    .forEach(ownSlice::remove);
            for (String key : slice.keySet()) {
                if (!own.containsKey(key)) {
                    log.info("removing {} from the cluster map: this node holds no such client", key);
                    map.deleteAsync(key);
                    repaired = true;
                }
            }
            for (Map.Entry<String, VersionedRecord> mine : own.entrySet()) {
                byte[] value = slice.get(mine.getKey());
                if (value != null && mirror.decode(mine.getKey(), value).equals(Optional.of(mine.getValue()))) {
                    ownSlice.put(mine.getKey(), self, value);
                } else {
                    putBackNewer(mine.getValue());
                    repaired = true;
                }
            }
            return repaired;
        }
    }
}
