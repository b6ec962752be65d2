package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LoopbackHazelcast;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * What a node's mirror holds per name of another node, counted object by object: every node holds every name of the
 * cluster, so at a million names this is what each node pays for the registry (issue 33: under 200 bytes).
 */
class MirrorMemoryTest {

    private static final int RECORDS = 2_000;
    /** Issue 33's bound per mirrored name. */
    private static final long MAX_BYTES_PER_NAME = 200;
    /** The mirror's collaborators, not its own: the map, the cluster, the codec and the like. */
    private static final Set<Class<?>> COLLABORATORS = Set.of(com.hazelcast.map.IMap.class,
            com.hazelcast.cluster.Cluster.class, NodeId.class, NodeMembers.class, RecordCodec.class,
            RegistryMirror.OwnEvents.class, java.util.UUID.class);

    @Test
    void aMirroredNameCostsUnder200Bytes() throws Exception {
        // The JDK hides field offsets of record classes (NodeId, ListenerRecord) from Unsafe: JOL finds them itself.
        System.setProperty("jol.magicFieldOffset", "true");
        Config config = LoopbackHazelcast.config("nuttssh-mirror-memory");
        HazelcastRegistry.configure(config);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
        try {
            RecordCodec codec = new SealedRecords(new SealingKey(new byte[SealingKey.BYTES]));
            NodeId writer = NodeId.random();
            NodeId reader = NodeId.random();
            HazelcastRegistry written = HazelcastRegistry.start(hazelcast, writer, () -> List.of(writer), codec);
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                // What a field client's record holds: a 13-character name, one port, an IPv4 source address.
                writes.add(written.register(new ListenerRecord(writer.value() + "-" + i, writer,
                        String.format("gw-%010d", i), List.of(), new TreeMap<>(Map.of(22, "localhost")),
                        "198.51.100." + (i % 250) + ":" + (1024 + i), Instant.now(), 0)).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            HazelcastRegistry mirroring = HazelcastRegistry.start(hazelcast, reader,
                    () -> List.of(writer, reader), codec);
            Await.until("all records mirrored", () -> mirroring.size() == RECORDS);

            long bytes = GraphLayout.parseInstance(ownState(mirrorOf(mirroring)).toArray()).totalSize();

            assertEquals(RECORDS, mirroring.size());
            assertTrue(bytes / RECORDS < MAX_BYTES_PER_NAME,
                    "the mirror holds " + bytes / RECORDS + " bytes per name (expected: under " + MAX_BYTES_PER_NAME
                            + ")");
        } finally {
            hazelcast.shutdown();
        }
    }

    private static Object mirrorOf(HazelcastRegistry registry) throws ReflectiveOperationException {
        Field mirror = HazelcastRegistry.class.getDeclaredField("mirror");
        mirror.setAccessible(true);
        return mirror.get(registry);
    }

    /** What the mirror holds of its own: every field but its collaborators'. */
    private static List<Object> ownState(Object mirror) throws ReflectiveOperationException {
        List<Object> state = new ArrayList<>();
        for (Field field : mirror.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    || COLLABORATORS.stream().anyMatch(type -> type.isAssignableFrom(field.getType()))) {
                continue;
            }
            field.setAccessible(true);
            state.add(field.get(mirror));
        }
        return state;
    }
}
