package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.nuttssh.testing.Await;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.SshKeygen;

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
 * docker-compose.yml on a real Docker engine, as a user runs it: from nothing (no certs volume) {@code up} makes the
 * cluster's certificates, three relay nodes that find each other by the service's DNS name, and HAProxy, which finds
 * them the same way; the real OpenSSH and autossh on this host reach each other through the published port, across
 * nodes. The cluster then grows to five nodes without a file being edited, loses the autossh listener's node to
 * {@code docker kill}, shrinks back to three, and {@code down -v} leaves nothing behind. The images come from
 * {@code scripts/docker-images.sh}, around the jar {@code package} made, which is why this runs in {@code verify}.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeDeploymentIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    /** The uid the image's relay user has; it must own the host key, which the relay wants readable by it alone. */
    private static final int IMAGE_UID = 1878;
    /** The one-time debootstrap of the base image takes about 2 minutes; later runs only build the relay image. */
    private static final Duration IMAGES_TIMEOUT = Duration.ofMinutes(10);
    /**
     * Three to five JVMs starting at once in containers on two shared cores, joining, and HAProxy's checks passing:
     * 31-69 s measured here (docs/performance.md), with room for a busier machine.
     */
    private static final Duration CONVERGE = Duration.ofSeconds(180);
    /** The README's failure table: a killed node's names are gone within 1.4-3.6 s; the cluster tests allow 15 s. */
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private ComposeProject compose;
    private int port;
    private TcpTarget echo;
    private SshProcess autossh;
    private final Thread emergencyDown = new Thread(this::down, "compose-emergency-down");

    @BeforeAll
    void up() throws Exception {
        run(List.of("bash", REPO.resolve("scripts/docker-images.sh").toString()), IMAGES_TIMEOUT);
        Path hostKey = dir.resolve("ssh_host_key");
        SshKeygen.generate(hostKey, "ed25519", "compose");
        ClientKeys.authorize(dir, List.of("access=\"listen\" gw", "access=\"listen\" auto",
                "access=\"initiate\" alice", "access=\"admin\" root"));
        ClientKeys.strictConfig(dir, hostKey, "nuttssh-compose");
        Files.createFile(dir.resolve("empty-stdin"));

        port = FreePorts.tcp();
        int subnet = ThreadLocalRandom.current().nextInt(100, 200);
        compose = new ComposeProject(REPO, dir, "nuttssh-it-" + HexFormat.of().toHexDigits(
                ThreadLocalRandom.current().nextInt()), "127.0.0.1:" + port, "172.28." + subnet + ".0/24");
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        if (uid == 0) {
            // As root (CI), the nodes keep the image's own unprivileged user, which then owns the key.
            UserPrincipal relayUser = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(String.valueOf(IMAGE_UID));
            Files.setOwner(hostKey, relayUser);
        } else {
            compose.runAs(uid);
        }
        Runtime.getRuntime().addShutdownHook(emergencyDown);
        compose.up(3);
        echo = new TcpTarget("echo", TcpTarget.Mode.ECHO);
        cleanups.add(echo);
    }

    @AfterAll
    void stop() {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
        if (compose != null) {
            Runtime.getRuntime().removeShutdownHook(emergencyDown);
            down();
        }
    }

    @Test
    @Order(1)
    void threeNodesFromNothingServeEveryNodeAndCarryCircuitsAcrossThem() throws Exception {
        long started = System.nanoTime();
        awaitCluster(3);
        System.out.printf("compose up: 3 nodes joined and behind HAProxy in %.1f s%n",
                (System.nanoTime() - started) / 1e9);
        Set<String> nodes = listenersOnEveryNode(3);
        assertEquals(3, nodes.size(), "list -v names three nodes");
        // Two initiators in a row to each listener: round robin hands them to two different nodes, so at least one
        // of them is not the listener's, and its node's audit record names both nodes.
        for (Row row : list()) {
            for (int i = 0; i < 2; i++) {
                assertEquals("echo\nto " + row.name() + "\n", roundTrip(row.name() + ":22", "to " + row.name() + "\n"));
            }
            Await.until("a circuit to " + row.name() + " across nodes in the audit log", TIMEOUT, () -> {
                try {
                    return compose.relayLogs().contains(" -> " + row.name() + ":22 via nodes ");
                } catch (IOException | InterruptedException | AssertionError e) {
                    return false;
                }
            });
        }
        assertEveryNodeServesHealthAndMetrics(3);
    }

    @Test
    @Order(2)
    void scaledToFiveNodesWithoutEditingAFile() throws Exception {
        startAutossh();
        long started = System.nanoTime();
        compose.up(5);
        awaitCluster(5);
        System.out.printf("scale 3 -> 5: 5 nodes joined and behind HAProxy in %.1f s%n",
                (System.nanoTime() - started) / 1e9);
        assertEquals("echo\nafter scale-up\n", roundTrip("auto:22", "after scale-up\n"));
        assertEquals(5, listenersOnEveryNode(5).size(), "list -v names five nodes");
        assertEveryNodeServesHealthAndMetrics(5);
    }

    @Test
    @Order(3)
    void killingTheAutosshListenersNodePurgesItsNamesAndAutosshComesBackThroughHaproxy() throws Exception {
        Row auto = row(list(), "auto");
        String deadNode = auto.node();
        List<String> deadNames = list().stream().filter(r -> r.node().equals(deadNode)).map(Row::name).toList();
        assertTrue(deadNames.size() >= 2, "another listener shares the autossh listener's node: " + list());
        String container = containerOf(deadNode);

        long killed = System.nanoTime();
        compose.kill(container);
        // The plain ssh listeners there do not come back; their names leave the other nodes.
        awaitList("the killed node's names to leave", FAILOVER, rows -> rows.stream().noneMatch(r ->
                r.node().equals(deadNode) || (deadNames.contains(r.name()) && !r.name().equals("auto"))));
        double purged = (System.nanoTime() - killed) / 1e9;
        Row back = awaitList("autossh back on a live node", TIMEOUT, rows -> rows.stream()
                .anyMatch(r -> r.name().equals("auto") && !r.node().equals(deadNode))).stream()
                .filter(r -> r.name().equals("auto")).findFirst().orElseThrow();
        double returned = (System.nanoTime() - killed) / 1e9;
        assertNotEquals(deadNode, back.node());
        assertEquals("echo\nafter the kill\n", roundTrip("auto:22", "after the kill\n"));
        System.out.printf("docker kill of node %s: names purged in %.1f s, autossh listener back in %.1f s%n",
                deadNode, purged, returned);
    }

    @Test
    @Order(4)
    void scaledBackToThreeTheListenerStaysReachable() throws Exception {
        compose.up(3);
        awaitCluster(3);
        Await.until("the autossh listener reachable after the scale-down", TIMEOUT, () -> {
            try {
                return roundTrip("auto:22", "after scale-down\n").equals("echo\nafter scale-down\n");
            } catch (AssertionError | Exception e) {
                return false;
            }
        });
        assertEveryNodeServesHealthAndMetrics(3);
    }

    @Test
    @Order(5)
    void downLeavesNothingBehind() throws Exception {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            cleanups.remove(i).close();
        }
        compose.down();
        assertEquals("", compose.leftovers(), "containers, networks or volumes of " + compose.name());
    }

    // --- the cluster ----------------------------------------------------------------------------------------------

    /**
     * Until exactly {@code count} relay containers run, every one of them is a member of one cluster of that size
     * and ready, and HAProxy hands connections to nodes that see {@code count} members.
     */
    private void awaitCluster(int count) throws Exception {
        Await.until(count + " ready nodes in one cluster", CONVERGE, () -> {
            try {
                List<String> running = runningRelays();
                if (running.size() != count) {
                    return false;
                }
                for (String relay : running) {
                    String metrics = compose.httpGet(relay, "/metrics");
                    if (!metrics.contains("\nnuttssh_cluster_members " + count + ".0\n")
                            || !compose.httpGet(relay, "/health/ready").startsWith("HTTP/1.0 200")) {
                        return false;
                    }
                }
                SshProcess whoami = run(ssh("root", "whoami"));
                return whoami.process().exitValue() == 0 && whoami.stdout().contains(", one of " + count + ": ");
            } catch (IOException | UncheckedIOException | InterruptedException | AssertionError e) {
                return false;
            }
        });
    }

    private void assertEveryNodeServesHealthAndMetrics(int count) throws Exception {
        List<String> running = runningRelays();
        assertEquals(count, running.size());
        for (String relay : running) {
            String ready = compose.httpGet(relay, "/health/ready");
            assertTrue(ready.startsWith("HTTP/1.0 200"), relay + ": " + ready);
            String live = compose.httpGet(relay, "/health/live");
            assertTrue(live.startsWith("HTTP/1.0 200"), relay + ": " + live);
            String metrics = compose.httpGet(relay, "/metrics");
            assertTrue(metrics.contains("\nnuttssh_cluster_members " + count + ".0\n"), relay + ": " + metrics);
            assertTrue(metrics.contains("\nnuttssh_cluster_insecure 0.0\n"), relay + ": " + metrics);
        }
    }

    private List<String> runningRelays() throws IOException, InterruptedException {
        List<String> running = new ArrayList<>();
        for (String relay : compose.relays()) {
            if (compose.running(relay)) {
                running.add(relay);
            }
        }
        return running;
    }

    /** The running container whose relay logged this node id (as list shows it: its first eight digits). */
    private String containerOf(String shortId) throws IOException, InterruptedException {
        for (String relay : runningRelays()) {
            if (compose.nodeId(relay).filter(id -> id.startsWith(shortId)).isPresent()) {
                return relay;
            }
        }
        throw new AssertionError("no running container logged node " + shortId + compose.logTails());
    }

    /**
     * Plain ssh listeners through HAProxy, {@code count} at a time with no other connection between them, so that
     * round robin hands them to {@code count} different nodes, until every node holds one (a node HAProxy has not
     * yet taken in gets one in the next batch); the nodes list -v names.
     */
    private Set<String> listenersOnEveryNode(int count) throws Exception {
        Set<String> nodes = new TreeSet<>();
        for (int batch = 1; nodes.size() < count; batch++) {
            assertTrue(batch <= 3, "listeners did not reach all " + count + " nodes: " + list());
            Map<String, SshProcess> listeners = new HashMap<>();
            for (int i = 1; i <= count; i++) {
                String name = "gw" + count + "-" + batch + "-" + i;
                listeners.put(name, start(ssh("gw", "-l", name, "-N", "-o", "ExitOnForwardFailure=yes",
                        "-R", "22:127.0.0.1:" + echo.port()), null));
            }
            List<Row> rows = awaitList("listeners of batch " + batch + " listed", TIMEOUT, found -> {
                listeners.forEach((name, listener) -> {
                    if (!listener.isAlive()) {
                        fail("exited: " + listener + "\nstderr: " + listener.stderr());
                    }
                });
                return found.stream().filter(r -> listeners.containsKey(r.name())).count() == count;
            });
            rows.stream().filter(r -> listeners.containsKey(r.name())).forEach(r -> nodes.add(r.node()));
        }
        return nodes;
    }

    private void startAutossh() throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "AUTOSSH_GATETIME=0", "autossh", "-M", "0"));
        List<String> ssh = ssh("auto", "-l", "auto", "-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2",
                "-o", "ExitOnForwardFailure=yes", "-N", "-R", "22:127.0.0.1:" + echo.port());
        command.addAll(ssh.subList(1, ssh.size())); // autossh runs ssh with these arguments
        autossh = start(command, null);
        awaitList("the autossh listener listed", TIMEOUT, rows -> {
            if (!autossh.isAlive()) {
                fail("exited: " + autossh + "\nstderr: " + autossh.stderr());
            }
            return rows.stream().anyMatch(r -> r.name().equals("auto"));
        });
    }

    private void down() {
        try {
            compose.down();
        } catch (Exception | AssertionError e) {
            System.err.println("compose down: " + e);
        }
    }

    // --- clients --------------------------------------------------------------------------------------------------

    private static Path key(String role) {
        return ClientKeys.key(dir, role);
    }

    private static Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    /** {@code ssh} with the role's key to HAProxy's published port, with these options or a command after. */
    private List<String> ssh(String role, String... options) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", sshConfig().toString(), "-i",
                key(role).toString(), "-p", String.valueOf(port), "127.0.0.1"));
        command.addAll(Arrays.asList(options));
        return command;
    }

    private SshProcess start(List<String> command, Path stdin) throws IOException {
        SshProcess process = SshProcess.start(dir, command, stdin);
        cleanups.add(process);
        return process;
    }

    private SshProcess run(List<String> command) throws IOException, InterruptedException {
        SshProcess process = SshProcess.start(dir, command, dir.resolve("empty-stdin"));
        try {
            process.waitFor(TIMEOUT);
            return process;
        } finally {
            process.close();
        }
    }

    /** {@code ssh -W target} as alice through HAProxy: what comes back for {@code input} and its EOF. */
    private String roundTrip(String target, String input) throws Exception {
        return RoundTrip.viaSsh(dir, ssh("alice", "-W", target), input, TIMEOUT);
    }

    /** One row of {@code list -v}: NAME ADDRESS ALIASES PORTS NODE CONNECTED CIRCUITS BYTES CERTIFICATE. */
    record Row(String name, String node) {
    }

    private List<Row> list() throws Exception {
        SshProcess process = run(ssh("root", "list", "-v"));
        assertEquals(0, process.process().exitValue(), process.stderr());
        List<String> lines = process.stdout().lines().toList();
        if (lines.equals(List.of("no listening clients"))) {
            return List.of();
        }
        assertEquals(List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE", "CONNECTED", "CIRCUITS", "BYTES",
                "CERTIFICATE"),
                Arrays.asList(lines.get(0).split("\\s+")), process.stdout());
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            rows.add(new Row(cells[0], cells[4]));
        }
        return rows;
    }

    private static Row row(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + rows));
    }

    private List<Row> awaitList(String what, Duration timeout, Predicate<List<Row>> condition) throws Exception {
        List<List<Row>> seen = new ArrayList<>();
        try {
            return Await.value(what, timeout, () -> {
                try {
                    List<Row> rows = list();
                    seen.add(rows);
                    return condition.test(rows) ? Optional.of(rows) : Optional.empty();
                } catch (AssertionError e) {
                    if (e.getMessage() != null && e.getMessage().startsWith("exited: ")) {
                        throw e;
                    }
                    return Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; list -v shows "
                    + (seen.isEmpty() ? "nothing" : seen.get(seen.size() - 1)) + compose.logTails(), e);
        }
    }

    /** Runs a command to its end, failing with its output unless it exits 0. */
    private static void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "cmd", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(command + " did not finish within " + timeout + ":\n" + Files.readString(output));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + ":\n" + text);
        System.out.print(text);
    }
}
