package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.testing.Await;

/**
 * A rolling upgrade with the fleet connected, as an operator runs one: three secure nodes behind HAProxy, devices
 * that reconnect through it (real OpenSSH under autossh), probes that open a circuit to every device every 2 s;
 * then each node in turn gets SIGTERM and comes back on this build, same port, same certificate. From the previous
 * release ({@value PreviousRelease#FILE}, built by {@link PreviousRelease}) and from this build to itself.
 *
 * <p>{@value #DEVICES} devices: 30 autossh and ssh pairs, three relay JVMs and HAProxy fit a two-core machine.
 */
@Tag("slow")
class RollingUpgradeTest {

    static final int DEVICES = 30;
    /** The bounds: a monitoring system may see 2 % of its probes fail, and no device gone more than 10 s. */
    private static final double MAX_FAILED = 0.02;
    private static final Duration MAX_UNREACHABLE = Duration.ofSeconds(10);
    /** SIGTERM to exit: clients without circuits go at once; a probe's circuit ends within seconds. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** Devices reconnecting, and the cluster agreeing on their names. */
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /**
     * How long a replaced node serves before the next one goes, as the StatefulSet's {@code minReadySeconds} in
     * deploy/kubernetes has it: the roll the project documents, not one faster than any orchestrator would run.
     */
    private static final Duration MIN_READY = Duration.ofSeconds(10);
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;

    @Test
    void fromThePreviousReleaseNodeByNode() throws Exception {
        roll(PreviousRelease.jar());
    }

    @Test
    void fromThisBuildToItselfNodeByNode() throws Exception {
        roll(null);
    }

    /** @param from the jar the cluster starts on, or null for this build */
    private void roll(Path from) throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY) || System.getenv("CI") != null, "needs haproxy and autossh");
        List<String> devices = new ArrayList<>();
        List<String> roles = new ArrayList<>(List.of("access=\"initiate\" alice", "access=\"initiate\" probe"));
        for (int d = 1; d <= DEVICES; d++) {
            devices.add(String.format("dev%02d", d));
            roles.add("access=\"listen\" " + devices.get(d - 1));
        }
        List<AutoCloseable> cleanups = new ArrayList<>();
        try (RelayNodes nodes = new RelayNodes(dir, new ClusterNetwork.Loopback(), 3, roles.toArray(String[]::new))) {
            for (int n = 1; n <= 3; n++) {
                nodes.runFrom(n, from);
            }
            nodes.startAll();
            int balancer = startHaproxy(nodes, cleanups);
            for (String device : devices) {
                TcpTarget target = new TcpTarget(device, TcpTarget.Mode.ECHO);
                cleanups.add(target);
                nodes.listener(device, "127.0.0.1", balancer, target.port(), true);
            }
            TreeSet<String> all = new TreeSet<>(devices);
            awaitListed(nodes, all);
            // Who is who in the failed probes' report: a node's short id changes at each start.
            Map<String, String> names = new java.util.HashMap<>();
            for (int n = 1; n <= 3; n++) {
                names.put(nodes.shortId(n), "node" + n + (from == null ? "" : " (old)"));
            }

            try (CircuitProbes probes = new CircuitProbes(ClientKeys.key(dir, "probe"), "probe", 3, nodes::sshPort,
                    devices)) {
                probes.start();
                for (int n = 1; n <= 3; n++) {
                    probes.phase("node" + n + " replaced");
                    probes.down(n);
                    nodes.terminate(n, STOP_TIMEOUT);
                    nodes.runFrom(n, null);
                    Files.copy(dir.resolve("node" + n + ".log"), dir.resolve("node" + n + "-before.log"));
                    nodes.start(n);
                    nodes.awaitReady(n);
                    awaitMembers(nodes, n, from);
                    names.put(nodes.shortId(n), "node" + n + (from == null ? "" : " (new)"));
                    probes.up(n);
                    probes.phase("node" + n + " back");
                    if (n < 3) {
                        // Mixed: one node of this build and two of the first, then two and one, whose devices
                        // moved to both kinds, so that circuits open from each kind to the other.
                        everyNodeReachesEveryDevice(nodes, probes, devices);
                        assertReleases(nodes, n, from);
                    }
                    Thread.sleep(MIN_READY.toMillis());
                }
                Thread.sleep(3 * CircuitProbes.INTERVAL.toMillis());
                probes.close();
                report(from, probes, names);
            }
            awaitListed(nodes, all);
        } finally {
            for (AutoCloseable cleanup : cleanups) {
                cleanup.close();
            }
            keepLogs(from);
        }
    }

    /** The nodes' logs, before and after their replacement, where a failed run can be read: target/rolling-upgrade. */
    private void keepLogs(Path from) throws java.io.IOException {
        Path kept = Path.of("target", "rolling-upgrade", from == null ? "this-build" : from.getFileName().toString());
        Files.createDirectories(kept);
        try (var logs = Files.newDirectoryStream(dir, "node*.log")) {
            for (Path log : logs) {
                Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A node of this build that never sees the old ones could not join their cluster: the releases do not roll. */
    private static void awaitMembers(RelayNodes nodes, int n, Path from) throws Exception {
        try {
            Await.until("node" + n + " to see 3 members", SETTLE, () -> seesMembers(nodes, n, 3));
        } catch (AssertionError e) {
            throw new AssertionError("this build does not join a cluster of " + (from == null ? "this build"
                    : from.getFileName()) + ": " + e.getMessage() + "; node" + n + " says '" + nodes.whoamiNode(n)
                    + "'" + nodes.logTails(), e);
        }
    }

    private static boolean seesMembers(RelayNodes nodes, int n, int members) {
        try {
            return nodes.whoamiNode(n).contains(", one of " + members + ":");
        } catch (Exception e) {
            return false;
        }
    }

    /** A cluster of both kinds of node: every device through every node. */
    private static void everyNodeReachesEveryDevice(RelayNodes nodes, CircuitProbes probes, List<String> devices) {
        for (int n = 1; n <= 3; n++) {
            for (String device : devices) {
                int node = n;
                List<String> problems = new ArrayList<>();
                try {
                    Await.until("node" + n + " to reach " + device, SETTLE, () -> {
                        String problem = probes.probe(node, device);
                        if (problem != null) {
                            problems.add(problem);
                        }
                        return problem == null;
                    });
                } catch (AssertionError e) {
                    throw new AssertionError("in the mixed cluster, " + e.getMessage() + "; last: "
                            + problems.get(problems.size() - 1) + nodes.logTails(), e);
                }
            }
        }
    }

    /** {@code list -c} on a new node names each node's release: this build's, and the others' as they are. */
    private static void assertReleases(RelayNodes nodes, int replaced, Path from) throws Exception {
        SshProcess counts = nodes.run(nodes.ssh("alice", nodes.host(1), nodes.sshPort(1), "list", "-c"), "");
        String first = from == null ? RelayVersion.version() : PreviousRelease.announcedRelease(from);
        for (int n = 1; n <= 3; n++) {
            String release = n <= replaced ? RelayVersion.version() : first;
            String row = nodes.shortId(n) + " ";
            assertTrue(counts.stdout().lines().anyMatch(line -> line.startsWith(row) && line.endsWith(" " + release)),
                    "node" + n + " of release " + release + " in:\n" + counts.stdout());
        }
    }

    /** Every node lists every device, once: no ghost of a node that left, no second record. */
    private static void awaitListed(RelayNodes nodes, TreeSet<String> devices) {
        List<String> last = new ArrayList<>();
        try {
            Await.until("every node to list the " + devices.size() + " devices once", SETTLE, () -> {
                last.clear();
                boolean all = true;
                for (int n = 1; n <= 3; n++) {
                    Optional<TreeSet<String>> listed = nodes.list(n);
                    last.add("node" + n + ": " + listed.map(Object::toString).orElse("no answer"));
                    all &= listed.map(devices::equals).orElse(false);
                }
                return all;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen " + last + nodes.logTails(), e);
        }
    }

    private static void report(Path from, CircuitProbes probes, Map<String, String> names) {
        List<CircuitProbes.Outcome> outcomes = probes.outcomes();
        List<CircuitProbes.Outcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
        Map<String, Duration> unreachable = probes.longestUnreachable();
        Duration longest = unreachable.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
        String summary = String.format("rolling upgrade from %s: %d of %d probes failed (%.1f %%), longest a device "
                + "was unreachable %.1f s", from == null ? "this build" : from.getFileName(), failed.size(),
                outcomes.size(), 100.0 * failed.size() / Math.max(1, outcomes.size()), longest.toMillis() / 1000.0);
        System.out.println(summary);
        String phases = outcomes.stream().collect(Collectors.groupingBy(CircuitProbes.Outcome::phase,
                java.util.LinkedHashMap::new, Collectors.partitioningBy(CircuitProbes.Outcome::ok, Collectors.counting())))
                .entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().get(false) + " of "
                        + (e.getValue().get(false) + e.getValue().get(true)) + " failed")
                .collect(Collectors.joining("; ", " (", ")"));
        summary += phases;
        String examples = failed.stream().map(o -> o.at() + " " + o.device() + " via node" + o.node() + ", held by "
                + names.getOrDefault(o.holder(), o.holder()) + ", while " + o.phase() + ": " + o.problem())
                .collect(Collectors.joining("\n  ", "\n  ", ""));
        System.out.println("failed probes:" + examples);
        assertTrue(outcomes.size() > DEVICES, summary + ": too few probes ran");
        assertTrue(failed.size() <= MAX_FAILED * outcomes.size(), summary + examples);
        assertEquals(List.of(), unreachable.entrySet().stream().filter(e -> e.getValue().compareTo(MAX_UNREACHABLE) > 0)
                .map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms").toList(), summary);
    }

    /** HAProxy with the project's own file in front of the three nodes, without PROXY headers. */
    private int startHaproxy(RelayNodes nodes, List<AutoCloseable> cleanups) throws Exception {
        int port = org.nuttssh.testing.FreePorts.tcp();
        List<String> command = new ArrayList<>(List.of("env", "LB_BIND=127.0.0.1", "LB_PORT=" + port,
                "PROXY_PROTOCOL=0"));
        for (int n = 1; n <= 3; n++) {
            command.add("RELAY" + n + "=127.0.0.1:" + nodes.sshPort(n));
        }
        command.addAll(List.of(HAPROXY.toString(), "-db", "-q", "-f", Path.of("scripts", "haproxy.cfg")
                .toAbsolutePath().toString()));
        SshProcess haproxy = SshProcess.start(dir, command, null);
        cleanups.add(haproxy);
        Await.until("haproxy on port " + port, Duration.ofSeconds(30),
                () -> CircuitsTest.canConnect(port) || !haproxy.isAlive());
        if (!haproxy.isAlive()) {
            throw new AssertionError("haproxy did not start: " + haproxy.stderr());
        }
        return port;
    }
}
