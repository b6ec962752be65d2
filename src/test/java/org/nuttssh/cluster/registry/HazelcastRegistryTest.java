package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private final RecordCodec codec = new ListenerRecordJson();
    private final List<NodeId> members = new CopyOnWriteArrayList<>();
    private HazelcastInstance hazelcast;
    private IMap<String, byte[]> map;
    private HazelcastRegistry registry;

    @BeforeAll
    void startMember() {
        Config config = new Config().setClusterName("nuttssh-registry-" + UUID.randomUUID());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
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
        return new ListenerRecord(id, node, name, List.of(), new TreeMap<>(Map.of(22, "localhost")), "10.0.0.1:1",
                Instant.now(), sequence);
    }

    private Optional<String> resolve(String name) {
        return registry.resolve(name, 0).toCompletableFuture().join().map(ListenerRecord::id);
    }

    @Test
    void aRecordOfThisNodeDeletedByAnotherComesBackAtOnce() {
        registry.register(record("self-1", SELF, "gw1", 0)).toCompletableFuture().join();
        Await.until("the record in the map", () -> map.containsKey("self-1"));

        map.delete("self-1");

        Await.until("the record back in the map", () -> map.containsKey("self-1"));
        assertEquals(Optional.of("self-1"), resolve("gw1"), "this node never stopped knowing its client");
    }

    @Test
    void aRecordInThisNodesNameThatItDoesNotHoldIsDeleted() {
        map.set("self-99", codec.encode(record("self-99", SELF, "thief", 1_000_000), 1));

        Await.until("the forged record gone from the map", () -> !map.containsKey("self-99"));
        assertEquals(Optional.empty(), resolve("thief"));
    }

    @Test
    void recordsOfOtherMembersAreMirroredAndOfNonMembersNot() {
        map.set("other-1", codec.encode(record("other-1", OTHER, "gw2", 5), 1));
        map.set("gone-1", codec.encode(record("gone-1", GONE, "ghost", 6), 1));

        Await.until("the other member's client mirrored", () -> resolve("gw2").isPresent());
        Await.holds("the non-member's client not mirrored", Duration.ofMillis(300),
                () -> resolve("ghost").isEmpty());

        assertTrue(registry.resync(), "the ghost was out of step");
        Await.until("the ghost gone from the map", () -> !map.containsKey("gone-1"));
        assertEquals(1, registry.resyncs());
        assertTrue(!registry.resync(), "nothing left to repair");
        assertEquals(1, registry.resyncs());
    }

    @Test
    void aResyncMirrorsWhatNoEventAnnounced() {
        registry.close();
        map.set("other-2", codec.encode(record("other-2", OTHER, "quiet", 7), 1));
        registry = HazelcastRegistry.start(hazelcast, SELF, () -> members, codec);
        assertEquals(Optional.of("other-2"), resolve("quiet"), "the start is a resync");

        members.remove(OTHER);
        assertTrue(registry.resync());
        assertEquals(Optional.empty(), resolve("quiet"), "a node that is no longer a member loses its names");
    }

    @Test
    void newSequencesAreAboveEveryOneSeenEvenIfTheCounterWentBack() {
        map.set("other-3", codec.encode(record("other-3", OTHER, "high", 500), 1));
        Await.until("the high record mirrored", () -> resolve("high").isPresent());
        hazelcast.getMap(HazelcastRegistry.COUNTERS).put(HazelcastRegistry.SEQUENCE, 3L); // a merge kept a lower count

        registry.register(record("self-2", SELF, "fresh", 0)).toCompletableFuture().join();

        long assigned = registry.resolve("fresh", 0).toCompletableFuture().join().orElseThrow().sequence();
        assertTrue(assigned > 500, "sequence " + assigned);
    }

    @Test
    void aValueThatIsNotARecordIsLeftAlone() {
        map.set("junk", new byte[] {1, 2, 3});

        registry.resync();

        assertTrue(map.containsKey("junk"), "not this node's to judge");
        assertEquals(0, registry.size());
    }

    @Test
    void anOlderValueOfAnotherNodesRecordIsNotMirrored() {
        byte[] old = codec.encode(record("other-5", OTHER, "old-name", 8), 1);
        map.set("other-5", old);
        Await.until("the first value mirrored", () -> resolve("old-name").isPresent());
        map.set("other-5", codec.encode(record("other-5", OTHER, "new-name", 8), 2));
        Await.until("the newer value mirrored", () -> resolve("new-name").isPresent());

        map.set("other-5", old);

        Await.holds("the replay not mirrored", Duration.ofMillis(300),
                () -> resolve("old-name").isEmpty() && resolve("new-name").isPresent());
        registry.resync();
        assertEquals(Optional.empty(), resolve("old-name"), "nor by a resync");
        assertEquals(Optional.of("other-5"), resolve("new-name"));
    }

    @Test
    void theLastValueOfARemovedRecordDoesNotComeBack() {
        byte[] last = codec.encode(record("other-6", OTHER, "removed", 9), 4);
        map.set("other-6", last);
        Await.until("the record mirrored", () -> resolve("removed").isPresent());
        map.delete("other-6");
        Await.until("the record gone", () -> resolve("removed").isEmpty());

        map.set("other-6", last);

        Await.holds("the replay not mirrored", Duration.ofMillis(300), () -> resolve("removed").isEmpty());
        map.set("other-6", codec.encode(record("other-6", OTHER, "removed", 9), 5));
        Await.until("a newer write of its owner mirrored", () -> resolve("removed").isPresent());
    }

    /** A split: the other side's records were purged here, and the merge brings them back as they were. */
    @Test
    void theRecordsOfANodeThatMergesBackAreMirroredWithTheVersionsTheyHad() {
        byte[] value = codec.encode(record("other-7", OTHER, "split", 10), 3);
        map.set("other-7", value);
        Await.until("the record mirrored", () -> resolve("split").isPresent());
        map.delete("other-7"); // another survivor's purge, seen before this node's own
        Await.until("the record gone", () -> resolve("split").isEmpty());
        members.remove(OTHER);
        registry.purgeNode(OTHER);

        members.add(OTHER);
        map.set("other-7", value);

        Await.until("the record mirrored again", () -> resolve("split").isPresent());
    }

    @Test
    void aRecordOfThisNodeReplacedByItsOlderValueIsPutBack() {
        ListenerRecord first = record("self-5", SELF, "before", 0);
        registry.register(first).toCompletableFuture().join();
        Await.until("the first value in the map", () -> map.containsKey("self-5"));
        byte[] old = map.get("self-5");
        registry.register(record("self-5", SELF, "after", 0)).toCompletableFuture().join();
        Await.until("the second value in the map", () -> hostnameInMap("self-5").equals(Optional.of("after")));

        map.set("self-5", old);

        Await.until("the current value back", () -> hostnameInMap("self-5").equals(Optional.of("after")));
    }

    @Test
    void aRecordOfThisNodeOverwrittenWithJunkIsPutBack() {
        registry.register(record("self-6", SELF, "mine", 0)).toCompletableFuture().join();
        Await.until("the record in the map", () -> map.containsKey("self-6"));

        map.set("self-6", new byte[] {1, 2, 3});

        Await.until("the record back", () -> hostnameInMap("self-6").equals(Optional.of("mine")));
    }

    private Optional<String> hostnameInMap(String key) {
        byte[] value = map.get(key);
        return value == null ? Optional.empty()
                : codec.decode(key, value).map(stored -> stored.record().hostname());
    }
}
