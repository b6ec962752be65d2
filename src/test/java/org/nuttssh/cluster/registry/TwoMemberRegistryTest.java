package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LoopbackHazelcast;
import org.nuttssh.testing.Records;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Two members, as a cluster of two nodes has them, each with the relay's configuration (deserialisation filter and
 * key index): the slice sums run where the entries are stored, on the other member too, and checks in step read
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoMemberRegistryTest {

    private static final NodeId A = new NodeId("aaaaaaaa-node");
    private static final NodeId B = new NodeId("bbbbbbbb-node");
    private static final int RECORDS = 60;

    private final RecordCodec codec = new SealedRecords(new SealingKey(new byte[SealingKey.BYTES]));
    private HazelcastInstance memberA;
    private HazelcastInstance memberB;
    private HazelcastRegistry registryA;
    private HazelcastRegistry registryB;

    @BeforeAll
    void start() {
        String cluster = "nuttssh-two-" + UUID.randomUUID();
        memberA = Hazelcast.newHazelcastInstance(config(cluster));
        memberB = Hazelcast.newHazelcastInstance(config(cluster));
        Await.until("two members", () -> memberA.getCluster().getMembers().size() == 2);
        registryA = HazelcastRegistry.start(memberA, A, () -> List.of(A, B), codec);
        registryB = HazelcastRegistry.start(memberB, B, () -> List.of(A, B), codec);
    }

    @AfterAll
    void stop() {
        memberB.shutdown();
        memberA.shutdown();
    }

    private static Config config(String cluster) {
        Config config = LoopbackHazelcast.members(cluster);
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        HazelcastRegistry.configure(config);
        return config;
    }

    private static ListenerRecord record(NodeId node, int n) {
        return Records.listener(node.shortId() + "-" + n, node, node.shortId() + "-gw" + n).build();
    }

    @Test
    void slicesSumWhereTheyAreStoredAndChecksInStepReadNothing() {
        for (int n = 0; n < RECORDS; n++) {
            registryA.register(record(A, n)).toCompletableFuture().join();
            registryB.register(record(B, n)).toCompletableFuture().join();
        }
        Await.until("every record on both nodes", () -> registryA.size() == 2 * RECORDS
                && registryB.size() == 2 * RECORDS);
        IMap<String, byte[]> map = memberA.getMap(HazelcastRegistry.MAP);
        Map<String, byte[]> sliceA = new HashMap<>();
        map.entrySet(RecordKey.slice(A)).forEach(entry -> sliceA.put(entry.getKey(), entry.getValue()));

        assertEquals(RECORDS, sliceA.size(), "the key range holds A's records and no others");
        assertEquals(SliceDigest.of(sliceA), map.aggregate(new SliceSum(), RecordKey.slice(A)),
                "summed on both members, through the filter");

        registryA.check();
        registryB.check();
        long fetched = registryA.repairs().recordsFetched() + registryB.repairs().recordsFetched();
        for (int i = 0; i < Suspicions.RESTLESS_CHECKS; i++) {
            assertFalse(registryA.check(), "A in step");
            assertFalse(registryB.check(), "B in step");
        }
        assertEquals(fetched, registryA.repairs().recordsFetched() + registryB.repairs().recordsFetched());
    }
}
