import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.nuttssh.cluster.registry.HazelcastRegistry;
import org.nuttssh.cluster.registry.SealedRecords;
import org.nuttssh.cluster.registry.SealingKey;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Benchmark: what the registry costs each node per name, with N sealed records (no SSH) spread over three nodes, each
 * node a Hazelcast member with its own registry, all in this JVM. Each node registers N/3 records of its own, in
 * batches, and mirrors the others' through entry events; then:
 * <ul>
 *   <li>heap per node per name: the heap (after a full GC) the three nodes grew by (map storage, primary and backup;
 *       each node's own records and bookkeeping; each node's mirror of the other two), divided by three and by N; and
 *       the JVM's RSS divided by three (one process holds the three nodes);
 *   <li>the mirror per mirrored name: a fourth registry (another node id on the first member) starts and mirrors all N
 *       records; the heap it grew by, divided by N, and how long its start took;
 *   <li>the periodic check ({@code check()}, the repair) in step: its wall-clock time per node and run, the CPU the
 *       whole JVM spent per run (the sums run on the members' threads), the calling thread's CPU, and the records it
 *       read (none when in step); and a slice read whole ({@code proven}), what a check that finds a difference
 *       costs: time per record read;
 *   <li>a lookup (name to record, what circuit setup asks its node's registry) from one node's memory;
 *   <li>{@code list}, every row, as one node's registry answers it from memory;
 *   <li>a fourth node joining: a new Hazelcast member (partitions migrate to it) whose registry starts, reads the map
 *       and holds every name.
 * </ul>
 * Uses only what every build since issue 22 has, so one source measures this build and an older jar alike. The last
 * line is {@code RESULT} and the figures as JSON, for bench/run's mirror part.
 *
 * Run: java -Xmx10g -cp target/nuttssh.jar bench/MirrorFootprint.java N
 */
public class MirrorFootprint {

    private static final int NODES = 3;
    /** Writes in flight per node at most: Hazelcast's event queues (1M events) must not overflow. */
    private static final int BATCH = 5_000;
    private static final int CHECK_ROUNDS = 5;
    /** Lookups timed, after as many to warm up: enough for a steady mean, few enough to take a second or two. */
    private static final int LOOKUPS = 200_000;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String cluster = "footprint-" + UUID.randomUUID();
        List<HazelcastInstance> members = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            members.add(Hazelcast.newHazelcastInstance(config(cluster)));
        }
        SealedRecords codec = new SealedRecords(new SealingKey(new byte[SealingKey.BYTES]));
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeId.random());
        }
        NodeId reader = NodeId.random();
        NodeId joiner = NodeId.random();
        List<NodeId> withReader = new ArrayList<>(nodes);
        withReader.add(reader);
        withReader.add(joiner);

        long empty = settledHeap();
        List<HazelcastRegistry> registries = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            registries.add(HazelcastRegistry.start(members.get(i), nodes.get(i), () -> withReader, codec));
        }
        long started = System.nanoTime();
        for (int from = 0; from < n; from += BATCH * NODES) {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + BATCH * NODES); i++) {
                int node = i % NODES;
                writes.add(registries.get(node).register(record(nodes.get(node), i / NODES, i)).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        }
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        for (HazelcastRegistry registry : registries) {
            awaitSize(registry, n);
        }
        double mirroredSeconds = (System.nanoTime() - started) / 1e9;
        long loaded = settledHeap();
        long loadedRss = rssBytes();

        // The check in step: each node's, in turn, several rounds.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long fetchedBefore = fetched(registries);
        long checkNanos = 0;
        long checkThreadCpu = 0;
        long processCpuBefore = processCpuNanos();
        for (int round = 0; round < CHECK_ROUNDS; round++) {
            for (HazelcastRegistry registry : registries) {
                long cpu = threads.getCurrentThreadCpuTime();
                long at = System.nanoTime();
                registry.check();
                checkNanos += System.nanoTime() - at;
                checkThreadCpu += threads.getCurrentThreadCpuTime() - cpu;
            }
        }
        long checkProcessCpu = processCpuNanos() - processCpuBefore;
        long checkFetched = fetched(registries) - fetchedBefore;
        // A slice read whole and compared, as a check that finds a difference does.
        fetchedBefore = fetched(registries);
        long at = System.nanoTime();
        registries.get(0).proven(nodes.get(1));
        double sliceSeconds = (System.nanoTime() - at) / 1e9;
        long sliceFetched = fetched(registries) - fetchedBefore;

        // list, every row, from one node's memory (the relay's `list` answers from this, then renders).
        at = System.nanoTime();
        int rows = registries.get(0).list().toCompletableFuture().join().size();
        double listSeconds = (System.nanoTime() - at) / 1e9;

        double lookupNanos = lookupNanos(registries.get(0), n);

        long beforeReader = settledHeap();
        at = System.nanoTime();
        HazelcastRegistry mirroring = HazelcastRegistry.start(members.get(0), reader, () -> withReader, codec);
        double readerSeconds = (System.nanoTime() - at) / 1e9;
        if (mirroring.size() != n) {
            throw new IllegalStateException("the reader mirrored " + mirroring.size() + " of " + n);
        }
        long mirrored = settledHeap();
        mirroring.close();

        // A fourth node joins: a new member takes its share of the partitions, its registry reads the whole map.
        at = System.nanoTime();
        HazelcastInstance fourth = Hazelcast.newHazelcastInstance(config(cluster));
        double memberSeconds = (System.nanoTime() - at) / 1e9;
        HazelcastRegistry joined = HazelcastRegistry.start(fourth, joiner, () -> withReader, codec);
        double joinSeconds = (System.nanoTime() - at) / 1e9;
        if (joined.size() != n) {
            throw new IllegalStateException("the fourth node mirrored " + joined.size() + " of " + n);
        }
        members.add(fourth);

        System.out.printf("records %d on %d nodes: registered in %.1f s, all mirrored everywhere in %.1f s%n", n,
                NODES, writeSeconds, mirroredSeconds);
        System.out.printf("heap per node per name (map storage, own records, mirror): %.0f B%n",
                (loaded - empty) / (double) NODES / n);
        System.out.printf("mirror per mirrored name (a fourth node's start: %.1f s): %.0f B%n", readerSeconds,
                (mirrored - beforeReader) / (double) n);
        System.out.printf("check in step: %.1f ms per node per check, %d records read%n",
                checkNanos / 1e6 / CHECK_ROUNDS / NODES, checkFetched);
        System.out.printf("a slice read and compared: %d records in %.2f s (%.1f us per record)%n", sliceFetched,
                sliceSeconds, sliceSeconds * 1e6 / Math.max(1, sliceFetched));
        System.out.printf("list: %d rows in %.2f s%n", rows, listSeconds);
        System.out.printf("per node: heap %.0f MB, RSS %.0f MB (the JVM's, of three nodes, divided by three)%n",
                (loaded - empty) / (double) NODES / 1e6, loadedRss / (double) NODES / 1e6);
        System.out.printf("check in step, CPU per run: %.1f ms the JVM (all threads), %.1f ms the calling thread%n",
                checkProcessCpu / 1e6 / CHECK_ROUNDS / NODES, checkThreadCpu / 1e6 / CHECK_ROUNDS / NODES);
        System.out.printf("a lookup (name to record, from memory): %.0f ns%n", lookupNanos);
        System.out.printf("a fourth node joins: a member in %.1f s, holding all %d names %.1f s after it started%n",
                memberSeconds, n, joinSeconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("names", n);
        result.put("register_seconds", writeSeconds);
        result.put("mirrored_everywhere_seconds", mirroredSeconds);
        result.put("heap_per_node_bytes", (loaded - empty) / NODES);
        result.put("heap_per_node_per_name_bytes", (loaded - empty) / (double) NODES / n);
        result.put("rss_per_node_bytes", loadedRss / NODES);
        result.put("mirror_per_name_bytes", (mirrored - beforeReader) / (double) n);
        result.put("mirror_start_seconds", readerSeconds);
        result.put("check_ms", checkNanos / 1e6 / CHECK_ROUNDS / NODES);
        result.put("check_cpu_ms", checkProcessCpu / 1e6 / CHECK_ROUNDS / NODES);
        result.put("check_thread_cpu_ms", checkThreadCpu / 1e6 / CHECK_ROUNDS / NODES);
        result.put("check_records_read", checkFetched);
        result.put("slice_records", sliceFetched);
        result.put("slice_seconds", sliceSeconds);
        result.put("lookup_ns", lookupNanos);
        result.put("list_rows", rows);
        result.put("list_seconds", listSeconds);
        result.put("join_member_seconds", memberSeconds);
        result.put("join_seconds", joinSeconds);
        System.out.println("RESULT {" + result.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ")) + "}");
        // Not shut down one by one: each would hand its partitions to the others first, minutes at 1M names.
        for (HazelcastInstance member : members) {
            member.getLifecycleService().terminate();
        }
    }

    /** What a field client's record holds: a 13-character name, one port, an IPv4 source address. */
    private static ListenerRecord record(NodeId node, int counter, int i) {
        return new ListenerRecord(node.value() + "-" + counter, node, String.format("gw-%010d", i), List.of(),
                new TreeMap<>(Map.of(22, "localhost")),
                "198.51.100." + (i % 250) + ":" + (1024 + i % 60000), Instant.now(), 0);
    }

    private static Config config(String cluster) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        HazelcastRegistry.configure(config);
        return config;
    }

    /** Events may be lost under load: the check repairs what they missed, as on a relay. */
    private static void awaitSize(HazelcastRegistry registry, int n) throws InterruptedException {
        for (int wait = 0; registry.size() != n; wait++) {
            Thread.sleep(500);
            if (wait % 20 == 19) {
                registry.check();
            }
            if (wait > 2_400) {
                throw new IllegalStateException("mirrored " + registry.size() + " of " + n + " after 20 minutes");
            }
        }
    }

    /** The mean time of a lookup of another node's name on {@code registry}, in random order, after a warm-up. */
    private static double lookupNanos(HazelcastRegistry registry, int n) {
        Random random = new Random(n);
        String[] names = new String[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            // Records i with i % 3 == 0 are the first node's own; the others it mirrors.
            int other = Math.min(n - 1, random.nextInt(n / NODES) * NODES + 1 + random.nextInt(NODES - 1));
            names[i] = String.format("gw-%010d", other);
        }
        long at = 0;
        for (int round = 0; round < 2; round++) {
            at = System.nanoTime();
            for (String name : names) {
                if (registry.resolve(name, 0).toCompletableFuture().join().isEmpty()) {
                    throw new IllegalStateException("no record for " + name);
                }
            }
        }
        return (System.nanoTime() - at) / (double) LOOKUPS;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The JVM's resident set, as the kernel counts it. */
    private static long rssBytes() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long fetched(List<HazelcastRegistry> registries) {
        return registries.stream().mapToLong(registry -> registry.repairs().recordsFetched()).sum();
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
