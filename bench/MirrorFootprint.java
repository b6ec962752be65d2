import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.nuttssh.cluster.registry.HazelcastRegistry;
import org.nuttssh.cluster.registry.SealedRecords;
import org.nuttssh.cluster.registry.SealingKey;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Benchmark: the heap one node spends per name it mirrors from another node, apart from the map storage. One
 * Hazelcast member; a writer registry puts N sealed records of its own; a reader registry (a second node id on the
 * same member) then mirrors them. Prints, in bytes per record: the map storage with the writer's own bookkeeping,
 * and the reader's mirror (index, hashes, freshness marks, records).
 *
 * Run: java -Xmx2g -cp target/nuttssh.jar bench/MirrorFootprint.java N
 */
public class MirrorFootprint {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Config config = new Config().setClusterName("footprint-" + UUID.randomUUID());
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        HazelcastRegistry.configure(config);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        SealedRecords codec = new SealedRecords(new SealingKey(new byte[SealingKey.BYTES]));
        NodeId writer = NodeId.random();
        NodeId reader = NodeId.random();

        long empty = settledHeap();
        HazelcastRegistry written = HazelcastRegistry.start(member, writer, () -> List.of(writer), codec);
        CompletableFuture<?>[] writes = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            // What a field client's record holds: a 13-character name, one port, an IPv4 source address.
            writes[i] = written.register(new ListenerRecord(writer.value() + "-" + i, writer,
                    String.format("gw-%010d", i), List.of(), new TreeMap<>(Map.of(22, "localhost")),
                    "198.51.100." + (i % 250) + ":" + (1024 + i % 60000), Instant.now(), 0)).toCompletableFuture();
        }
        CompletableFuture.allOf(writes).join();
        long stored = settledHeap();
        HazelcastRegistry mirroring = HazelcastRegistry.start(member, reader, () -> List.of(writer, reader), codec);
        if (mirroring.size() != n) {
            throw new IllegalStateException("mirrored " + mirroring.size() + " of " + n);
        }
        long mirrored = settledHeap();
        System.out.printf("records %d: map storage and writer %.0f B each, reader's mirror %.0f B each%n", n,
                (stored - empty) / (double) n, (mirrored - stored) / (double) n);
        member.shutdown();
    }

    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
