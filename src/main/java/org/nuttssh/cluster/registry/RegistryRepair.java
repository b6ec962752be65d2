package org.nuttssh.cluster.registry;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PackedRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.map.IMap;

/**
 * What keeps the registry in step when entry events do not: events can be lost (a member crashing, a full event
 * queue), a merge leaves both sides having missed what the other did, and a departed node leaves its slice behind.
 * The periodic {@link #check} compares digests of each slice ({@link SliceDigest}), 16 bytes per node, and reads a
 * slice only when its digests differ, so a registry in step costs the same whatever the number of names.
 */
final class RegistryRepair {

    /** This node's own slice, which its owner keeps: the repair only finds out when it is out of step. */
    interface OwnSlice {

        /** The digest of this node's slice as it wrote it. */
        SliceDigest written();

        /** Makes this node's slice hold what it wrote, from {@code slice} as read; whether it was out of step. */
        boolean repair(Map<String, byte[]> slice);
    }

    private static final Logger log = LoggerFactory.getLogger(RegistryRepair.class);

    private final IMap<String, byte[]> map;
    private final IMap<String, byte[]> ledgers;
    private final NodeId self;
    private final NodeMembers members;
    private final RecordCodec codec;
    private final RegistryMirror mirror;
    private final OwnSlice own;
    private final Suspicions suspicions = new Suspicions();
    private final RepairTally repairs = new RepairTally();

    RegistryRepair(IMap<String, byte[]> map, IMap<String, byte[]> ledgers, NodeId self, NodeMembers members,
                   RecordCodec codec, RegistryMirror mirror, OwnSlice own) {
        this.map = map;
        this.ledgers = ledgers;
        this.self = self;
        this.members = members;
        this.codec = codec;
        this.mirror = mirror;
        this.own = own;
    }

    RepairTally tally() {
        return repairs;
    }

    /** May run on the event thread that tells of the departure: touches no map. */
    void purgeNode(NodeId departed) {
        int purged = mirror.purge(departed);
        suspicions.forget(departed);
        log.info("node {} left: purged {} of its listening clients", departed.shortId(), purged);
    }

    /** In one operation run where the entries are stored, rather than one deletion per record. */
    void removeSlice(NodeId departed) {
        map.removeAll(RecordKey.slice(departed));
        ledgers.delete(departed.value());
    }

    /**
     * Puts back this node's records that the map lost or holds other values of, deletes records in its name that it
     * does not hold and records of nodes that are not members, and mirrors everything else that is not older than
     * what was mirrored.
     */
    synchronized boolean resync() {
        long started = System.nanoTime();
        Set<NodeId> current = new HashSet<>(members.nodes());
        long before = mirror.stamp();
        Map<String, byte[]> stored = SharedEntries.of(((Map<?, ?>) map).entrySet(), mirror::malformed);
        repairs.fetched(stored.size());
        mirror.index().reserve(stored.size());
        boolean repaired = false;
        boolean settled = settledAs(current);
        Map<NodeId, Map<String, byte[]>> slices = new HashMap<>();
        for (Map.Entry<String, byte[]> entry : stored.entrySet()) {
            Optional<NodeId> owner = RecordKey.nodeOf(entry.getKey());
            if (owner.isEmpty() || owner.get().equals(self)) {
                continue;
            }
            if (current.contains(owner.get())) {
                slices.computeIfAbsent(owner.get(), node -> new HashMap<>()).put(entry.getKey(), entry.getValue());
            } else if (settled && codec.decode(entry.getKey(), entry.getValue()).isPresent()) {
                log.info("removing {} from the cluster map: its node {} is not a member", entry.getKey(),
                        owner.get().shortId());
                map.deleteAsync(entry.getKey());
                repaired = true;
            }
        }
        repaired |= own.repair(slice(stored.entrySet(), self));
        for (NodeId node : current) {
            if (!node.equals(self)) {
                repaired |= mirror.mirrorSlice(node, slices.getOrDefault(node, Map.of()), before);
            }
        }
        for (PackedRecord record : mirror.index().packed()) {
            if (!current.contains(record.node())) {
                mirror.forget(RecordKey.of(record.id(), record.node()));
                repaired = true;
            }
        }
        publishLedger();
        repairs.took(System.nanoTime() - started, repaired);
        return repaired;
    }

    /**
     * Publishes this node's ledger if its slice changed, compares every member's ledger with what this node mirrors of
     * its slice, and this node's own slice with what the map holds of it (summed where it is stored, {@link SliceSum}).
     * A slice is read only when a difference persists ({@link Suspicions}).
     */
    synchronized boolean check() {
        long started = System.nanoTime();
        boolean repaired = false;
        publishLedger();
        List<NodeId> current = members.nodes();
        List<NodeId> others = current.stream().filter(node -> !node.equals(self)).toList();
        Map<?, ?> published = ledgers.getAll(others.stream().map(NodeId::value).collect(Collectors.toSet()));
        for (NodeId node : others) {
            Optional<SliceDigest> ledger = Optional.ofNullable(published.get(node.value()))
                    .flatMap(value -> codec.decodeLedger(node, SharedEntries.bytes(value)));
            if (ledger.isPresent() && suspicions.confirm(node, ledger.get(), mirror.digest(node))) {
                log.info("node {}'s listening clients differ from its ledger ({}, mirrored {}): reading them again",
                        node.shortId(), ledger.get(), mirror.digest(node));
                long before = mirror.stamp();
                Map<String, byte[]> slice = readSlice(node);
                repaired |= ledger.get().equals(SliceDigest.of(slice)) ? mirror.mirrorVouched(node, slice, before)
                        : mirror.mirrorSlice(node, slice, before);
            }
        }
        SliceDigest written = own.written();
        SliceDigest stored;
        try {
            stored = map.aggregate(new SliceSum(), RecordKey.slice(self));
        } catch (HazelcastException e) {
            // A member without the relay's classes (a stranger on the cluster network) cannot run the sum: the
            // entries are counted instead, with Hazelcast's own aggregator, which catches lost ones.
            stored = new SliceDigest(map.aggregate(Aggregators.count(), RecordKey.slice(self)).intValue(), 0);
            written = new SliceDigest(written.count(), 0);
        }
        if (suspicions.confirm(self, written, stored)) {
            log.info("this node's listening clients in the cluster map differ from what it wrote ({}, written {}): "
                    + "repairing them", stored, written);
            repaired |= own.repair(readSlice(self));
        }
        if (settledAs(new HashSet<>(current))) {
            repaired |= dropDeparted(Set.copyOf(current));
        }
        repairs.took(System.nanoTime() - started, repaired);
        return repaired;
    }

    /**
     * Counted as a repair when the slice held records this node had not mirrored: after a merge, the proofs are how
     * the other side's clients come back, and the count must agree with the "registry repaired" log line.
     */
    synchronized boolean proven(NodeId node) {
        long started = System.nanoTime();
        long before = mirror.stamp();
        boolean repaired = mirror.mirrorSlice(node, readSlice(node), before);
        repairs.took(System.nanoTime() - started, repaired);
        return repaired;
    }

    /**
     * What a missed membership event left behind: records mirrored of nodes that are no longer members, and slices
     * and ledgers of such nodes in the map. Only ever called while every member is known as a node.
     */
    private boolean dropDeparted(Set<NodeId> current) {
        boolean repaired = false;
        for (NodeId node : mirror.nodes()) {
            if (!current.contains(node)) {
                log.info("node {} is not a member: forgetting its listening clients", node.shortId());
                mirror.forgetSlice(node);
                repaired = true;
            }
        }
        for (Object key : ((Map<?, ?>) ledgers).keySet()) {
            if (!(key instanceof String published)) {
                mirror.malformed(String.valueOf(key));
                continue;
            }
            if (published.isEmpty()) {
                ledgers.deleteAsync(published);
                continue;
            }
            NodeId node = new NodeId(published);
            if (!current.contains(node)) {
                log.info("node {} is not a member: removing its listening clients from the cluster map",
                        node.shortId());
                removeSlice(node);
                repaired = true;
            }
        }
        return repaired;
    }

    /** Whether every member is known as a node, and the nodes are still {@code current}. */
    private boolean settledAs(Set<NodeId> current) {
        return members.settled() && current.equals(new HashSet<>(members.nodes()));
    }

    /** This node leaves the cluster: its ledger goes. */
    void withdraw() {
        ledgers.deleteAsync(self.value());
    }

    /** One node's slice, read where it is stored. */
    private Map<String, byte[]> readSlice(NodeId node) {
        Set<? extends Map.Entry<?, ?>> read = map.entrySet(RecordKey.slice(node));
        repairs.fetched(read.size());
        return slice(SharedEntries.of(read, mirror::malformed).entrySet(), node);
    }

    /** The entries of {@code node}'s slice among {@code entries}, by the key's own reading of its node. */
    private static Map<String, byte[]> slice(Collection<Map.Entry<String, byte[]>> entries, NodeId node) {
        Map<String, byte[]> slice = new HashMap<>();
        for (Map.Entry<String, byte[]> entry : entries) {
            if (RecordKey.nodeOf(entry.getKey()).filter(node::equals).isPresent()) {
                slice.put(entry.getKey(), entry.getValue());
            }
        }
        return slice;
    }

    /** Publishes this node's ledger unless the map holds it already (unchanged, or tampered with: put back). */
    private void publishLedger() {
        SliceDigest digest = own.written();
        Optional<SliceDigest> published = Optional.ofNullable(((Map<?, ?>) ledgers).get(self.value()))
                .flatMap(value -> codec.decodeLedger(self, SharedEntries.bytes(value)));
        if (!published.equals(Optional.of(digest))) {
            ledgers.set(self.value(), codec.encodeLedger(self, digest));
        }
    }
}
