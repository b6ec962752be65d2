package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.testing.Await;

/**
 * A real network partition: three secure relay JVMs, each in a network namespace of its own joined by a bridge, with
 * HAProxy and the clients in a hub namespace; nftables cuts one node off from the others (clients still reach every
 * node), then the cut heals. Listening clients are OpenSSH on chosen nodes (alpha, beta, gamma) and autossh through
 * HAProxy (delta, epsilon). During the cut each side serves what it holds; afterwards, within
 * {@link RelayNodes#CONVERGENCE}, every node lists every name once and reaches each.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPartitionTest {

    /** Well past failure detection, so that both sides have given each other up. */
    private static final Duration CUT = Duration.ofSeconds(20);
    /** A circuit across the cut must close within failure detection and 10 s more. */
    private static final Duration CIRCUIT_CLOSE = RelayNodes.FAILURE_DETECTION.plusSeconds(10);
    private static final TreeSet<String> ALL = new TreeSet<>(List.of("alpha", "beta", "gamma", "delta", "epsilon"));
    private static final String HAPROXY = "/usr/sbin/haproxy";

    @TempDir
    static Path dir;
    private ClusterNetwork.Namespaces network;
    private RelayNodes nodes;
    private int balancerPort;

    @BeforeAll
    void startCluster() throws Exception {
        String unavailable = ClusterNetwork.Namespaces.unavailableBecause();
        assumeTrue(unavailable == null, unavailable);
        assumeTrue(Files.isExecutable(Path.of(HAPROXY)), "needs haproxy and autossh (.ci/run installs them)");
        network = new ClusterNetwork.Namespaces(3);
        nodes = new RelayNodes(dir, network, 3, "access=\"listen\" alpha", "access=\"listen\" beta",
                "access=\"listen\" gamma", "access=\"listen\" delta", "access=\"listen\" epsilon",
                "access=\"initiate\" alice");
        nodes.startAll();
        balancerPort = startHaproxy();
        nodes.listener("alpha", nodes.host(1), nodes.sshPort(1), nodes.target("alpha"), false);
        nodes.listener("beta", nodes.host(2), nodes.sshPort(2), nodes.target("beta"), false);
        nodes.listener("gamma", nodes.host(3), nodes.sshPort(3), nodes.target("gamma"), false);
        nodes.listener("delta", "198.18.0.1", balancerPort, nodes.target("delta"), true);
        nodes.listener("epsilon", "198.18.0.1", balancerPort, nodes.target("epsilon"), true);
        nodes.awaitConvergence(ALL, System.nanoTime(), RelayNodes.START_TIMEOUT);
    }

    /** HAProxy in the hub, plain TCP round robin over the three nodes, with health checks. */
    private int startHaproxy() throws Exception {
        int port = network.freeClientPort();
        StringBuilder config = new StringBuilder("""
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 1h
                    timeout server 1h
                listen relay
                    bind 198.18.0.1:%d
                    balance roundrobin
                """.formatted(port));
        for (int n = 1; n <= 3; n++) {
            config.append("    server node").append(n).append(' ').append(nodes.host(n)).append(':')
                    .append(nodes.sshPort(n)).append(" check inter 1s\n");
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config.toString());
        nodes.open(network.onClients(List.of(HAPROXY, "-db", "-f", file.toString())));
        return port;
    }

    @AfterAll
    void stopCluster() {
        if (nodes != null) {
            nodes.close();
        } else if (network != null) {
            network.close();
        }
    }

    @Test
    @Order(1)
    void aCutOffNodeServesItsOwnAndEveryNodeConvergesAfterTheHeal() throws Exception {
        SshProcess across = nodes.open(nodes.circuit("alice", nodes.host(2), nodes.sshPort(2), "alpha:22"));
        across.stdin().write("ping\n".getBytes());
        across.stdin().flush();
        Await.until("the circuit from node 2 to alpha on node 1", () -> across.stdout().equals("alpha\nping\n"));
        TreeSet<String> onOne = namesHeldBy(1);

        long cut = System.nanoTime();
        network.cut(1);
        try {
            assertTrue(across.process().waitFor(CIRCUIT_CLOSE.toMillis(), TimeUnit.MILLISECONDS),
                    "the circuit across the cut is still open after " + CIRCUIT_CLOSE);
            Duration closed = Duration.ofNanos(System.nanoTime() - cut);
            Await.until("nodes 2 and 3 to drop what node 1 holds " + onOne, RelayNodes.FAILURE_DETECTION,
                    () -> nodes.list(2).map(names -> names.stream().noneMatch(onOne::contains)).orElse(false)
                            && nodes.list(3).map(names -> names.stream().noneMatch(onOne::contains)).orElse(false));
            Duration dropped = Duration.ofNanos(System.nanoTime() - cut);
            assertTrue(nodes.list(1).orElseThrow().containsAll(onOne), "node 1 still lists its own");
            assertTrue(nodes.reaches(1, "alpha"), "node 1 still serves alpha to its own initiators");
            assertTrue(nodes.reaches(2, "gamma"), "nodes 2 and 3 still serve each other");
            TimeUnit.NANOSECONDS.sleep(Math.max(0, cut + CUT.toNanos() - System.nanoTime()));
            System.out.printf("partition of node 1: circuit across closed in %.1f s, names dropped in %.1f s%n",
                    closed.toMillis() / 1000.0, dropped.toMillis() / 1000.0);
        } finally {
            network.heal(1);
        }
        long healed = System.nanoTime();

        Duration heal = nodes.awaitConvergence(ALL, healed, RelayNodes.CONVERGENCE);

        System.out.printf("partition of node 1 for %d s: converged %.1f s after the heal%n", CUT.toSeconds(),
                heal.toMillis() / 1000.0);
    }

    @Test
    @Order(2)
    void autosshListenersBehindHaproxyComeThroughAPartitionAndItsHeal() throws Exception {
        int holder = nodes.nodeWithShortId(nodes.holder(1, "delta").orElseThrow());
        TreeSet<String> held = namesHeldBy(holder);
        List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
        others.remove(Integer.valueOf(holder));

        long cut = System.nanoTime();
        network.cut(holder);
        try {
            Await.until("the other nodes to drop " + held, RelayNodes.FAILURE_DETECTION, () -> others.stream()
                    .allMatch(n -> nodes.list(n).map(names -> names.stream().noneMatch(held::contains))
                            .orElse(false)));
            assertTrue(nodes.reaches(holder, "delta"), "delta's node still serves it to its own initiators");
            TimeUnit.NANOSECONDS.sleep(Math.max(0, cut + CUT.toNanos() - System.nanoTime()));
        } finally {
            network.heal(holder);
        }
        long healed = System.nanoTime();

        Duration heal = nodes.awaitConvergence(ALL, healed, RelayNodes.CONVERGENCE);
        // Initiators come through HAProxy too, landing on each node in turn.
        for (int i = 0; i < 3; i++) {
            for (String name : List.of("delta", "epsilon")) {
                SshProcess circuit = nodes.run(nodes.circuit("alice", "198.18.0.1", balancerPort, name + ":22"),
                        "via haproxy\n");
                assertTrue(circuit.stdout().equals(name + "\nvia haproxy\n"), name + ": " + circuit.stderr());
            }
        }

        System.out.printf("partition of node %d (holding %s) for %d s: converged %.1f s after the heal%n", holder,
                held, CUT.toSeconds(), heal.toMillis() / 1000.0);
    }

    /** The names that node {@code n} lists on itself (its NODE column). */
    private TreeSet<String> namesHeldBy(int n) throws Exception {
        TreeSet<String> held = new TreeSet<>();
        for (String name : ALL) {
            if (nodes.holder(n, name).map(nodes.shortId(n)::equals).orElse(false)) {
                held.add(name);
            }
        }
        return held;
    }
}
