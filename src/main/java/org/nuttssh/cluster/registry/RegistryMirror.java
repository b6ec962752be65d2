package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NameIndex;
import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;

/**
 * This node's mirror of the shared map: a {@link NameIndex} of the other nodes' records, kept in step by entry events
 * and by slices read whole, beside this node's own records as it writes them. Every node holds every name of the
 * cluster here, so a mirrored record is one packed object ({@link MirroredRecord}) with its version and hash, and no
 * map by key beside the index. A node mirrors no value older than one it has seen under that key ({@link Freshness}).
 * Events on this node's own slice go to its {@link OwnEvents}: its records come from its writes, never from the map.
 */
final class RegistryMirror {

    /** What this node does, as their owner, with events on its own slice. */
    interface OwnEvents {

        /** The map lost {@code key}: puts this node's record under it back, if it holds one; whether it does. */
        boolean restore(String key);

        /** {@code key}, in this node's slice, holds {@code value} now, which opened as {@code decoded}. */
        void stored(String key, Optional<VersionedRecord> decoded, byte[] value);
    }

    /** {@link #offer}'s mark of a value its owner does not vouch for. */
    private static final long NOT_VOUCHED = -1;

    /** What this node mirrors of one other node's slice. */
    private static final class MirroredSlice {
        /** The instance every record mirrored of the node shares. */
        final NodeId node;
        SliceDigest digest = SliceDigest.EMPTY;

        MirroredSlice(NodeId node) {
            this.node = node;
        }
    }

    private final IMap<String, byte[]> map;
    private final Cluster cluster;
    private final NodeId self;
    private final NodeMembers members;
    private final RecordCodec codec;
    private final OwnEvents own;
    private final NameIndex index = new NameIndex();
    /**
     * What this node mirrors of each other node's slice, by node: the digest of the values, and the one instance of
     * the node's id that its records share. The records themselves, with their versions, hashes and stamps, are in the
     * index ({@link MirroredRecord}).
     */
    private final Map<NodeId, MirroredSlice> mirrored = new HashMap<>();
    /** Puts into the mirror so far: what stamps a mirrored record ({@link #stamp}). */
    private long puts;
    private final Freshness freshness = new Freshness();
    /**
     * Held while a record enters or leaves the mirror: the index, the digests and the removal marks change together,
     * or a repair thread and an event thread working on one key could leave them disagreeing (a record counted in the
     * digest yet missing from the index, which no check would then see).
     */
    private final Object mirrorLock = new Object();
    /** The highest sequence number seen in any record, the floor for the next one. */
    private final AtomicLong highestSequence = new AtomicLong();
    private final UnreadableRecords unreadable = new UnreadableRecords();
    private final UUID listenerRegistration;

    /** Starts listening to {@code map} at once: events may reach {@code own} before this returns. */
    RegistryMirror(IMap<String, byte[]> map, Cluster cluster, NodeId self, NodeMembers members, RecordCodec codec,
                   OwnEvents own) {
        this.map = map;
        this.cluster = cluster;
        this.self = self;
        this.members = members;
        this.codec = codec;
        this.own = own;
        this.listenerRegistration = map.addEntryListener(new Events(), true);
    }

    /** What lookups answer from: this node's own records and the mirrored ones. */
    NameIndex index() {
        return index;
    }

    /** One of this node's records, as it writes it. */
    void putOwn(ListenerRecord record) {
        highestSequence.accumulateAndGet(record.sequence(), Math::max);
        index.put(record);
    }

    void removeOwn(String id) {
        index.remove(id);
    }

    long highestSequence() {
        return highestSequence.get();
    }

    /** Now, as mirrored values are stamped: take it before reading the map. */
    long stamp() {
        synchronized (mirrorLock) {
            return puts;
        }
    }

    /** The digest of what this node mirrors of {@code node}'s slice. */
    SliceDigest digest(NodeId node) {
        synchronized (mirrorLock) {
            MirroredSlice slice = mirrored.get(node);
            return slice != null ? slice.digest : SliceDigest.EMPTY;
        }
    }

    /** The nodes with at least one record mirrored. */
    Set<NodeId> nodes() {
        synchronized (mirrorLock) {
            return Set.copyOf(mirrored.keySet());
        }
    }

    /** Values in the map that did not open as records, since start. */
    long unreadable() {
        return unreadable.count();
    }

    /** A key or value of another form than the relay writes, under {@code key}: counted as unreadable. */
    void malformed(String key) {
        unreadable.seen(key);
    }

    Optional<VersionedRecord> decode(String key, byte[] value) {
        Optional<VersionedRecord> record = codec.decode(key, value);
        if (record.isEmpty()) {
            unreadable.seen(key);
        }
        return record;
    }

    /**
     * Mirrors another node's slice as read: what is not older than what was mirrored, and nothing it lacks that was
     * mirrored before the read began ({@code before}, a {@link #stamp}): what came in by events while the slice
     * was read is newer than the read.
     */
    boolean mirrorSlice(NodeId node, Map<String, byte[]> slice, long before) {
        return mirror(node, slice, before, false);
    }

    /**
     * Mirrors a slice that its owner's ledger sums up exactly: the owner holds every value in it, so none is refused as
     * older than one mirrored before the read or removed, and nothing the slice lacks stays mirrored.
     */
    boolean mirrorVouched(NodeId node, Map<String, byte[]> slice, long before) {
        return mirror(node, slice, before, true);
    }

    private boolean mirror(NodeId node, Map<String, byte[]> slice, long before, boolean vouched) {
        boolean repaired = false;
        for (Map.Entry<String, byte[]> entry : slice.entrySet()) {
            if (holds(entry.getKey(), entry.getValue())) {
                continue;
            }
            Optional<VersionedRecord> decoded = decode(entry.getKey(), entry.getValue());
            if (decoded.isPresent()
                    && offer(entry.getKey(), decoded.get(), entry.getValue(), vouched ? before : NOT_VOUCHED)) {
                repaired = true;
            }
        }
        for (String key : keysOf(node, before)) {
            if (!slice.containsKey(key)) {
                forget(key);
                repaired = true;
            }
        }
        return repaired;
    }

    /** Forgets every record mirrored of {@code node}; how many there were. */
    int forgetSlice(NodeId node) {
        List<String> keys = keysOf(node, Long.MAX_VALUE);
        keys.forEach(this::forget);
        return keys.size();
    }

    /**
     * A node is no longer a member: its records leave the mirror, and all it was seen to write is forgotten
     * ({@link Freshness#forgetNode}); how many records it had.
     */
    int purge(NodeId departed) {
        int purged = forgetSlice(departed);
        freshness.forgetNode(departed);
        return purged;
    }

    /**
     * Mirrors another node's record unless a newer one was seen under its key; whether it did.
     *
     * @param vouchedBefore for a value its owner vouches for, the {@link #stamp} before its slice was read: it
     *                      replaces a record mirrored earlier, however new; else {@link #NOT_VOUCHED}
     */
    private boolean offer(String key, VersionedRecord stored, byte[] value, long vouchedBefore) {
        ListenerRecord record = stored.record();
        long hash = SliceDigest.hash(key, value);
        synchronized (mirrorLock) {
            MirroredRecord known = mirrored(key);
            if (vouchedBefore != NOT_VOUCHED) {
                freshness.vouched(key);
            }
            boolean replacesEarlier = known != null && known.stamp() <= vouchedBefore;
            if (!replacesEarlier && !freshness.admit(key, known != null ? known.version() : Freshness.NONE,
                    stored.version())) {
                return false;
            }
            highestSequence.accumulateAndGet(record.sequence(), Math::max);
            MirroredSlice slice = mirrored.computeIfAbsent(record.node(), MirroredSlice::new);
            if (known != null) {
                slice.digest = slice.digest.minus(known.hash());
            }
            index.put(new MirroredRecord(stored, slice.node, hash, ++puts));
            slice.digest = slice.digest.plus(hash);
            return true;
        }
    }

    /** Another node's record is gone: its last version now bars that value from coming back. */
    void forget(String key) {
        synchronized (mirrorLock) {
            MirroredRecord known = mirrored(key);
            if (known == null) {
                return;
            }
            index.remove(known.id());
            MirroredSlice slice = mirrored.get(known.node());
            slice.digest = slice.digest.minus(known.hash());
            if (slice.digest.count() == 0) {
                mirrored.remove(known.node());
            }
            freshness.removed(key, known.node(), known.version());
        }
    }

    /** Whether the value mirrored under {@code key} is {@code value}. */
    private boolean holds(String key, byte[] value) {
        MirroredRecord known = mirrored(key);
        return known != null && known.hash() == SliceDigest.hash(key, value);
    }

    /** The record mirrored under {@code key}, or null. */
    private MirroredRecord mirrored(String key) {
        Optional<NodeId> node = RecordKey.nodeOf(key);
        if (node.isEmpty()) {
            return null;
        }
        return index.packed(RecordKey.idOf(key))
                .filter(packed -> packed instanceof MirroredRecord && packed.node().equals(node.get()))
                .map(MirroredRecord.class::cast).orElse(null);
    }

    /** The keys of {@code node}'s records mirrored no later than {@code stamp}. */
    private List<String> keysOf(NodeId node, long stamp) {
        return index.packed().stream()
                .filter(packed -> packed instanceof MirroredRecord mirror && mirror.node().equals(node)
                        && mirror.stamp() <= stamp)
                .map(packed -> ((MirroredRecord) packed).key()).toList();
    }

    /** Stops listening to the map. */
    void close() {
        map.removeEntryListener(listenerRegistration);
    }

    /** Keeps the mirror in step with the shared map; events for one key arrive in order. */
    private final class Events extends EntryChanges<byte[]> {

        Events() {
            super(byte[].class);
        }

        @Override
        protected void malformed(EntryEvent<?, ?> event) {
            RegistryMirror.this.malformed(String.valueOf(event.getKey()));
        }

        /**
         * An event from a member that is not in the cluster: one cut off by a split (or frozen) that still had this
         * node's listener, and tells of what it did to its own copy of the map, which the merge discards.
         */
        private boolean stale(EntryEvent<String, byte[]> event) {
            return !cluster.getMembers().contains(event.getMember());
        }

        /** One of this node's records is put back by its owner ({@link OwnEvents#restore}); another node's goes. */
        @Override
        protected void removed(EntryEvent<String, byte[]> event) {
            if (stale(event)) {
                return;
            }
            if (!own.restore(event.getKey()) && RecordKey.nodeOf(event.getKey()).filter(self::equals).isEmpty()) {
                forget(event.getKey());
            }
        }

        /**
         * Only records of member nodes are mirrored, and only if not older than the one mirrored. This node's own
         * are its owner's to keep ({@link OwnEvents#stored}).
         */
        @Override
        protected void stored(EntryEvent<String, byte[]> event) {
            if (stale(event)) {
                return;
            }
            String key = event.getKey();
            Optional<NodeId> owner = RecordKey.nodeOf(key);
            // Opened first, whoever's: a value that does not open is counted, whatever becomes of it.
            Optional<VersionedRecord> decoded = decode(key, event.getValue());
            if (owner.isEmpty()) {
                return;
            }
            if (owner.get().equals(self)) {
                own.stored(key, decoded, event.getValue());
            } else if (members.nodes().contains(owner.get())) {
                decoded.ifPresent(stored -> offer(key, stored, event.getValue(), NOT_VOUCHED));
            }
        }
    }
}
