package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LoopbackHazelcast;
import org.nuttssh.testing.Records;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * The registry heals itself from what each node knows for sure, its own clients: against a real Hazelcast member
 * whose map the test writes to directly, as another member (or a stranger on the cluster network) could.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastRegistryTest {

    private static final NodeId SELF = new NodeId("self-node");
    private static final NodeId OTHER = new NodeId("other-node");
    private static final NodeId GONE = new NodeId("gone-node");

    private static final String K_SELF_1 = RecordKey.of("self-1", SELF);
    private static final String K_SELF_99 = RecordKey.of("self-99", SELF);
    private static final String K_OTHER_1 = RecordKey.of("other-1", OTHER);
    private static final String K_GONE_1 = RecordKey.of("gone-1", GONE);
    private static final String K_OTHER_2 = RecordKey.of("other-2", OTHER);
    private static final String K_OTHER_3 = RecordKey.of("other-3", OTHER);
    private static final String K_OTHER_5 = RecordKey.of("other-5", OTHER);
    private static final String K_OTHER_6 = RecordKey.of("other-6", OTHER);
    private static final String K_OTHER_7 = RecordKey.of("other-7", OTHER);
    private static final String K_SELF_5 = RecordKey.of("self-5", SELF);
    private static final String K_SELF_6 = RecordKey.of("self-6", SELF);
    private final RecordCodec codec = new ListenerRecordJson();
    private final List<NodeId> members = new CopyOnWriteArrayList<>();
    private HazelcastInstance hazelcast;
    private IMap<String, byte[]> map;
    private HazelcastRegistry registry;

    @BeforeAll
    void startMember() {
        Config config = LoopbackHazelcast.config("nuttssh-registry");
        HazelcastRegistry.configure(config);
        hazelcast = Hazelcast.newHazelcastInstance(config);
        map = hazelcast.getMap(HazelcastRegistry.MAP);
    }

    @AfterAll
    void stopMember() {
        hazelcast.shutdown();
    }

    @BeforeEach
    void startRegistry() {
        map.clear();
        members.clear();
        members.addAll(List.of(SELF, OTHER));
        registry = HazelcastRegistry.start(hazelcast, SELF, () -> members, codec);
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    private static ListenerRecord record(String id, NodeId node, String name, long sequence) {
        return Records.listener(id, node, name).sequence(sequence).build();
    }

    private Optional<String> resolve(String name) {
        return registry.resolve(name, 0).toCompletableFuture().join().map(ListenerRecord::id);
    }

    @Test
    void aRecordOfThisNodeDeletedByAnotherComesBackAtOnce() {
        registry.register(record("self-1", SELF, "gw1", 0)).toCompletableFuture().join();
        Await.until("the record in the map", () -> map.containsKey(K_SELF_1));

        map.delete(K_SELF_1);

        Await.until("the record back in the map", () -> map.containsKey(K_SELF_1));
        assertEquals(Optional.of("self-1"), resolve("gw1"), "this node never stopped knowing its client");
    }

    @Test
    void aRecordInThisNodesNameThatItDoesNotHoldIsDeleted() {
        map.set(K_SELF_99, codec.encode(record("self-99", SELF, "thief", 1_000_000), 1));

        Await.until("the forged record gone from the map", () -> !map.containsKey(K_SELF_99));
        assertEquals(Optional.empty(), resolve("thief"));
    }

    @Test
    void recordsOfOtherMembersAreMirroredAndOfNonMembersNot() {
        map.set(K_OTHER_1, codec.encode(record("other-1", OTHER, "gw2", 5), 1));
        map.set(K_GONE_1, codec.encode(record("gone-1", GONE, "ghost", 6), 1));

        Await.until("the other member's client mirrored", () -> resolve("gw2").isPresent());
        Await.holds("the non-member's client not mirrored", Duration.ofMillis(300),
                () -> resolve("ghost").isEmpty());

        assertTrue(registry.resync(), "the ghost was out of step");
        Await.until("the ghost gone from the map", () -> !map.containsKey(K_GONE_1));
        assertEquals(1, registry.repairs().repairs());
        assertTrue(!registry.resync(), "nothing left to repair");
        assertEquals(1, registry.repairs().repairs());
    }

    @Test
    void aProofThatBringsUnmirroredRecordsCountsAsARepair() {
        members.remove(OTHER);
        map.set(K_OTHER_1, codec.encode(record("other-1", OTHER, "gw2", 5), 1));
        Await.holds("an unproven member's client not mirrored", Duration.ofMillis(300),
                () -> resolve("gw2").isEmpty());

        members.add(OTHER);
        assertTrue(registry.proven(OTHER), "its slice was out of step");
        assertEquals(Optional.of("other-1"), resolve("gw2"));
        assertEquals(1, registry.repairs().repairs(), "counted as the log line says");
        assertTrue(!registry.proven(OTHER), "nothing new the second time");
        assertEquals(1, registry.repairs().repairs());
    }

    @Test
    void aResyncMirrorsWhatNoEventAnnounced() {
        registry.close();
        map.set(K_OTHER_2, codec.encode(record("other-2", OTHER, "quiet", 7), 1));
        registry = HazelcastRegistry.start(hazelcast, SELF, () -> members, codec);
        assertEquals(Optional.of("other-2"), resolve("quiet"), "the start is a resync");

        members.remove(OTHER);
        assertTrue(registry.resync());
        assertEquals(Optional.empty(), resolve("quiet"), "a node that is no longer a member loses its names");
    }

    @Test
    void newSequencesAreAboveEveryOneSeenEvenIfTheCounterWentBack() {
        map.set(K_OTHER_3, codec.encode(record("other-3", OTHER, "high", 500), 1));
        Await.until("the high record mirrored", () -> resolve("high").isPresent());
        hazelcast.getMap(HazelcastRegistry.COUNTERS).put(HazelcastRegistry.SEQUENCE, 3L); // a merge kept a lower count

        registry.register(record("self-2", SELF, "fresh", 0)).toCompletableFuture().join();

        long assigned = registry.resolve("fresh", 0).toCompletableFuture().join().orElseThrow().sequence();
        assertTrue(assigned > 500, "sequence " + assigned);
    }

    @Test
    void textOverTheSharedCounterStopsNoRegistrationAndIsPutBackANumber() {
        IMap<Object, Object> counters = hazelcast.getMap(HazelcastRegistry.COUNTERS);
        long unreadable = registry.unreadable();
        counters.set(HazelcastRegistry.SEQUENCE, "poison"); // what a stranger on the cluster network wrote

        registry.register(record("self-3", SELF, "despite", 0)).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS)
                .join();

        assertTrue(resolve("despite").isPresent());
        Await.until("the counter a number again, for nodes of release df46318",
                () -> counters.get(HazelcastRegistry.SEQUENCE) instanceof Long);
        Await.until("the text counted", () -> registry.unreadable() > unreadable);
    }

    @Test
    void keysAndValuesOfAnotherTypeStopNeitherAStartNorAResyncNorACheck() {
        IMap<Object, Object> raw = hazelcast.getMap(HazelcastRegistry.MAP);
        IMap<Object, Object> ledgers = hazelcast.getMap(HazelcastRegistry.LEDGERS);
        registry.close();
        map.set(K_OTHER_1, codec.encode(record("other-1", OTHER, "gw2", 5), 1));
        raw.set(K_SELF_99, "poison");
        raw.set(K_OTHER_2, 42L);
        ledgers.set(OTHER.value(), "poison");
        ledgers.set(SELF.value(), "poison");
        ledgers.set(43, "poison"); // the registry map's key index refuses keys that are not text; this map has none

        registry = HazelcastRegistry.start(hazelcast, SELF, () -> members, codec);
        registry.register(record("self-1", SELF, "gw1", 0)).toCompletableFuture().join();
        registry.check();
        registry.check();
        registry.resync();

        assertEquals(Optional.of("other-1"), resolve("gw2"));
        assertEquals(Optional.of("self-1"), resolve("gw1"));
        Await.until("the text in this node's slice removed", () -> !raw.containsKey(K_SELF_99));
        assertTrue(codec.decodeLedger(SELF, (byte[]) ledgers.get(SELF.value())).isPresent(), "its ledger put back");
        assertTrue(registry.unreadable() >= 3, "counted: " + registry.unreadable());
        ledgers.delete(43);
    }

    @Test
    void aValueThatIsNotARecordIsLeftAlone() {
        map.set("other-node@junk", new byte[] {1, 2, 3});

        registry.resync();

        assertTrue(map.containsKey("other-node@junk"), "not this node's to judge");
        assertEquals(0, registry.size());
    }

    @Test
    void anOlderValueOfAnotherNodesRecordIsNotMirrored() {
        byte[] old = codec.encode(record("other-5", OTHER, "old-name", 8), 1);
        map.set(K_OTHER_5, old);
        Await.until("the first value mirrored", () -> resolve("old-name").isPresent());
        map.set(K_OTHER_5, codec.encode(record("other-5", OTHER, "new-name", 8), 2));
        Await.until("the newer value mirrored", () -> resolve("new-name").isPresent());

        map.set(K_OTHER_5, old);

        Await.holds("the replay not mirrored", Duration.ofMillis(300),
                () -> resolve("old-name").isEmpty() && resolve("new-name").isPresent());
        registry.resync();
        assertEquals(Optional.empty(), resolve("old-name"), "nor by a resync");
        assertEquals(Optional.of("other-5"), resolve("new-name"));
    }

    @Test
    void theLastValueOfARemovedRecordDoesNotComeBack() {
        replayAfterRemoval(K_OTHER_6, codec.encode(record("other-6", OTHER, "removed", 9), 4), "removed");

        map.set(K_OTHER_6, codec.encode(record("other-6", OTHER, "removed", 9), 5));
        Await.until("a newer write of its owner mirrored", () -> resolve("removed").isPresent());
    }

    /** A split: the other side's records were purged here, and the merge brings them back as they were. */
    @Test
    void theRecordsOfANodeThatMergesBackAreMirroredWithTheVersionsTheyHad() {
        byte[] value = codec.encode(record("other-7", OTHER, "split", 10), 3);
        map.set(K_OTHER_7, value);
        Await.until("the record mirrored", () -> resolve("split").isPresent());
        map.delete(K_OTHER_7); // another survivor's purge, seen before this node's own
        Await.until("the record gone", () -> resolve("split").isEmpty());
        members.remove(OTHER);
        registry.purgeNode(OTHER);

        members.add(OTHER);
        map.set(K_OTHER_7, value);

        Await.until("the record mirrored again", () -> resolve("split").isPresent());
    }

    @Test
    void aRecordOfThisNodeReplacedByItsOlderValueIsPutBack() {
        ListenerRecord first = record("self-5", SELF, "before", 0);
        registry.register(first).toCompletableFuture().join();
        Await.until("the first value in the map", () -> map.containsKey(K_SELF_5));
        byte[] old = map.get(K_SELF_5);
        registry.register(record("self-5", SELF, "after", 0)).toCompletableFuture().join();
        Await.until("the second value in the map", () -> hostnameInMap(K_SELF_5).equals(Optional.of("after")));

        map.set(K_SELF_5, old);

        Await.until("the current value back", () -> hostnameInMap(K_SELF_5).equals(Optional.of("after")));
    }

    @Test
    void aRecordOfThisNodeOverwrittenWithJunkIsPutBack() {
        registry.register(record("self-6", SELF, "mine", 0)).toCompletableFuture().join();
        Await.until("the record in the map", () -> map.containsKey(K_SELF_6));

        map.set(K_SELF_6, new byte[] {1, 2, 3});

        Await.until("the record back", () -> hostnameInMap(K_SELF_6).equals(Optional.of("mine")));
    }

    /** A node proven only now, whose records arrived while it was not one: the events came and were ignored. */
    @Test
    void aSliceThatDiffersFromItsLedgerIsReadAtTheSecondCheckNotTheFirst() {
        members.remove(OTHER);
        byte[] value = codec.encode(record("other-8", OTHER, "late", 11), 1);
        map.set(RecordKey.of("other-8", OTHER), value);
        Await.holds("the non-member's record not mirrored", Duration.ofMillis(300), () -> resolve("late").isEmpty());
        members.add(OTHER);
        publishLedger(OTHER, SliceDigest.EMPTY.plus(SliceDigest.hash(RecordKey.of("other-8", OTHER), value)));
        long fetched = registry.repairs().recordsFetched();

        assertTrue(!registry.check(), "a first difference may be writes in flight");
        assertEquals(fetched, registry.repairs().recordsFetched(), "nothing read yet");
        assertTrue(registry.check(), "the same difference again: the slice is read");

        assertEquals(Optional.of("other-8"), resolve("late"));
        assertEquals(fetched + 1, registry.repairs().recordsFetched(), "one slice of one record read");
        assertTrue(!registry.check(), "in step again");
    }

    /** A removal seen from a member cut off by a split, which the owner never made and so never undid. */
    @Test
    void aRemovalItsOwnerNeverMadeIsUndoneByItsLedger() {
        String key = RecordKey.of("other-11", OTHER);
        byte[] value = codec.encode(record("other-11", OTHER, "cut-off", 15), 1);
        replayAfterRemoval(key, value, "cut-off");

        publishLedger(OTHER, SliceDigest.EMPTY.plus(SliceDigest.hash(key, value)));
        registry.check();
        registry.check();

        assertEquals(Optional.of("other-11"), resolve("cut-off"), "its owner holds it: the ledger says so");
    }

    @Test
    void checksInStepReadNoRecords() {
        registry.register(record("self-7", SELF, "steady", 0)).toCompletableFuture().join();
        byte[] value = codec.encode(record("other-9", OTHER, "peer", 12), 1);
        map.set(RecordKey.of("other-9", OTHER), value);
        publishLedger(OTHER, SliceDigest.EMPTY.plus(SliceDigest.hash(RecordKey.of("other-9", OTHER), value)));
        Await.until("the peer mirrored", () -> resolve("peer").isPresent());
        registry.check();
        long fetched = registry.repairs().recordsFetched();

        for (int i = 0; i < Suspicions.RESTLESS_CHECKS + 1; i++) {
            assertTrue(!registry.check(), "in step");
        }

        assertEquals(fetched, registry.repairs().recordsFetched());
        assertTrue(hazelcast.getMap(HazelcastRegistry.LEDGERS).containsKey(SELF.value()), "this node's ledger");
    }

    /** A map cleared whole announces no entry: as if every event of this node's slice were lost. */
    @Test
    void recordsOfThisNodeLostWithoutAnEventAreWrittenAgainByTheSecondCheck() {
        registry.register(record("self-8", SELF, "lost", 0)).toCompletableFuture().join();
        Await.until("the record in the map", () -> map.containsKey(RecordKey.of("self-8", SELF)));
        registry.check();

        map.clear();

        assertTrue(!registry.check(), "a first difference may be writes in flight");
        assertTrue(registry.check(), "the same difference again: the slice is repaired");
        Await.until("the record back in the map", () -> map.containsKey(RecordKey.of("self-8", SELF)));
        assertEquals(Optional.of("self-8"), resolve("lost"));
    }

    @Test
    void theSliceAndLedgerOfANodeThatLeftUnnoticedAreRemoved() {
        String key = RecordKey.of("gone-2", GONE);
        map.set(key, codec.encode(record("gone-2", GONE, "ghost2", 13), 1));
        publishLedger(GONE, SliceDigest.EMPTY);

        registry.check();

        Await.until("the departed node's record gone", () -> !map.containsKey(key));
        Await.until("its ledger gone",
                () -> !hazelcast.getMap(HazelcastRegistry.LEDGERS).containsKey(GONE.value()));
    }

    @Test
    void recordsOfNodesNotYetProvenAreKeptWhileAMemberIsUnknown() {
        registry.close();
        String key = RecordKey.of("other-10", OTHER);
        map.set(key, codec.encode(record("other-10", OTHER, "unproven", 14), 1));
        members.remove(OTHER);
        registry = HazelcastRegistry.start(hazelcast, SELF, new NodeMembers() {
            @Override
            public List<NodeId> nodes() {
                return members;
            }

            @Override
            public boolean settled() {
                return false;
            }
        }, codec);

        registry.resync();
        registry.check();

        assertTrue(map.containsKey(key), "a member may yet prove to be its node");
        assertEquals(Optional.empty(), resolve("unproven"), "but it is not mirrored until then");
    }

    /** Mirrors {@code value}, removes it, writes it back, and shows the replay refused as the value seen removed. */
    private void replayAfterRemoval(String key, byte[] value, String name) {
        map.set(key, value);
        Await.until("the record mirrored", () -> resolve(name).isPresent());
        map.delete(key);
        Await.until("the record gone", () -> resolve(name).isEmpty());

        map.set(key, value);

        Await.holds("the replay not mirrored", Duration.ofMillis(300), () -> resolve(name).isEmpty());
    }

    private void publishLedger(NodeId node, SliceDigest digest) {
        hazelcast.<String, byte[]>getMap(HazelcastRegistry.LEDGERS).set(node.value(), codec.encodeLedger(node, digest));
    }

    private Optional<String> hostnameInMap(String key) {
        byte[] value = map.get(key);
        return value == null ? Optional.empty()
                : codec.decode(key, value).map(stored -> stored.record().hostname());
    }
}
