package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * Three secure relay JVMs on loopback with real OpenSSH listeners (alpha on node 1, beta on node 2, gamma on node 3,
 * kept up by autossh), through a pause of node 1 longer than failure detection (what a long GC pause or a suspended
 * VM looks like) and a crash and restart of node 3 on the same address. After each, within
 * {@link RelayNodes#CONVERGENCE}, every node lists the same names, without ghosts or {@code ~N}, and reaches each.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPauseTest {

    /** Longer than failure detection (5 s), as in the report that found the cluster stuck for minutes. */
    private static final Duration PAUSE = Duration.ofSeconds(25);
    private static final TreeSet<String> ALL = new TreeSet<>(List.of("alpha", "beta", "gamma"));

    @TempDir
    static Path dir;
    private RelayNodes nodes;

    @BeforeAll
    void startCluster() throws Exception {
        nodes = new RelayNodes(dir, new ClusterNetwork.Loopback(), 3, "access=\"listen\" alpha",
                "access=\"listen\" beta", "access=\"listen\" gamma", "access=\"initiate\" alice");
        nodes.startAll();
        nodes.listener("alpha", nodes.host(1), nodes.sshPort(1), nodes.target("alpha"), false);
        nodes.listener("beta", nodes.host(2), nodes.sshPort(2), nodes.target("beta"), false);
        nodes.listener("gamma", nodes.host(3), nodes.sshPort(3), nodes.target("gamma"), true);
        nodes.awaitConvergence(ALL, System.nanoTime(), RelayNodes.START_TIMEOUT);
    }

    @AfterAll
    void stopCluster() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    void aNodePausedLongerThanFailureDetectionRejoinsAndEveryNodeConverges() throws Exception {
        long paused = System.nanoTime();
        nodes.signal(1, "STOP");
        try {
            Await.until("nodes 2 and 3 to drop alpha, frozen on node 1", RelayNodes.FAILURE_DETECTION,
                    () -> nodes.list(2).map(names -> names.equals(new TreeSet<>(List.of("beta", "gamma"))))
                            .orElse(false)
                            && nodes.list(3).map(names -> !names.contains("alpha")).orElse(false));
            assertTrue(nodes.reaches(2, "gamma") && nodes.reaches(3, "beta"), "circuits between nodes 2 and 3");
            TimeUnit.NANOSECONDS.sleep(Math.max(0, paused + PAUSE.toNanos() - System.nanoTime()));
        } finally {
            nodes.signal(1, "CONT");
        }
        long resumed = System.nanoTime();

        Duration heal = nodes.awaitConvergence(ALL, resumed, RelayNodes.CONVERGENCE);

        System.out.printf("SIGSTOP of node 1 for %d s: converged %.1f s after SIGCONT%n", PAUSE.toSeconds(),
                heal.toMillis() / 1000.0);
        assertFalse(nodes.log(1).contains("holds no such client"), "node 1 removed one of its own listeners:\n"
                + nodes.log(1));
        assertTrue(nodes.whoamiNode(1).matches(".*\\(merges [1-9]\\d*, registry resyncs [1-9]\\d*\\).*"),
                "node 1 merged back and repaired its registry: " + nodes.whoamiNode(1) + "\nnode 1's cluster log:\n"
                        + nodes.log(1).lines().filter(line -> line.contains("cluster") || line.contains("registry")
                                || line.contains("merge") || line.contains("node ")).collect(Collectors.joining("\n")));
    }

    @Test
    @Order(2)
    void aNodeKilledAndRestartedOnTheSameAddressLeavesNoGhost() throws Exception {
        String before = nodes.shortId(3);
        long killed = System.nanoTime();
        nodes.signal(3, "KILL");

        Await.until("nodes 1 and 2 to drop the dead node's gamma", RelayNodes.FAILURE_DETECTION,
                () -> nodes.list(1).map(names -> !names.contains("gamma")).orElse(false)
                        && nodes.list(2).map(names -> !names.contains("gamma")).orElse(false));
        Duration purged = Duration.ofNanos(System.nanoTime() - killed);
        nodes.start(3);
        nodes.awaitReady(3);
        long restarted = System.nanoTime();

        Duration heal = nodes.awaitConvergence(ALL, restarted, RelayNodes.CONVERGENCE);

        System.out.printf("SIGKILL of node 3: its names gone in %.1f s; after the restart, converged in %.1f s "
                + "(autossh back included)%n", purged.toMillis() / 1000.0, heal.toMillis() / 1000.0);
        assertNotEquals(before, nodes.shortId(3), "a restarted node is a new node");
        assertTrue(nodes.holder(1, "gamma").orElseThrow().equals(nodes.shortId(3)), "gamma on the new node 3");
    }
}
