package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nuttssh.testing.Await;

/**
 * Three relay JVMs and HAProxy, started by {@code scripts/local-cluster.sh} as an operator would, driven with the
 * real OpenSSH and autossh. Every client connects through HAProxy, which starts each connection with a PROXY v2
 * header: either through the balanced port, or through the per-node port that always goes to one node, to put a
 * listener on node B and an initiator on node A and so prove circuits across nodes. B is the node the autossh
 * listener landed on; the last test kills it. Every client checks the host key strictly against the one shared key.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long a dead node's names and circuits may outlive it: Hazelcast declares it dead within ~5 s. */
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    private static final long TRANSFER_SIZE = 256L << 20;
    private static final int CHUNK = 1 << 20;
    private static final String HAPROXY = "/usr/sbin/haproxy";

    @TempDir
    static Path dir;

    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private ClusterScript cluster;
    private TcpTarget gwEcho;
    private TcpTarget autoEcho;
    private TcpTarget sink;
    private SshProcess autossh;
    private FieldClients fieldClients;
    /** If the test JVM is stopped before {@link #stopCluster()} (a forked-JVM timeout), nothing may live on. */
    private final Thread emergencyStop = new Thread(() -> {
        if (autossh != null) {
            autossh.process().descendants().forEach(ProcessHandle::destroyForcibly);
            autossh.process().destroyForcibly();
        }
        cluster.killAll();
    }, "cluster-emergency-stop");
    /** Node B holds the listeners (and is killed at the end); A and C are the two others. */
    private int a;
    private int b;
    private int c;

    @BeforeAll
    void startCluster() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(HAPROXY)) || System.getenv("CI") != null,
                "needs haproxy and autossh (.ci/run installs them)");
        Path hostKey = dir.resolve("ssh_host_key");
        SshKeygen.generate(hostKey, "ed25519", "cluster");
        ClientKeys.authorize(dir, List.of("access=\"listen\" gw", "access=\"listen\" auto",
                "access=\"initiate\" alice", "access=\"initiate\",from=\"127.0.0.3\" here3",
                "access=\"initiate\",from=\"127.0.0.1\" here1"));
        fieldClients = new FieldClients(dir, hostKey);
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, fieldClients.authorizedKeys("access=\"listen\",access=\"initiate\""),
                StandardOpenOption.APPEND);
        // Strict host key checking against the one shared key: every node must present it.
        ClientKeys.strictConfig(dir, hostKey, "nuttssh-cluster");
        Files.createFile(dir.resolve("empty-stdin"));

        cluster = new ClusterScript(dir.resolve("state"), hostKey, authorizedKeys);
        Runtime.getRuntime().addShutdownHook(emergencyStop);
        String started = cluster.start();
        assertTrue(started.contains("joined node1's cluster"), started);

        gwEcho = target("gw-echo", TcpTarget.Mode.ECHO);
        autoEcho = target("gwauto-echo", TcpTarget.Mode.ECHO);
        sink = target(null, TcpTarget.Mode.DIGEST);

        // The autossh listener goes through the balanced port; the node it lands on becomes B.
        List<String> command = new ArrayList<>(List.of("env", "AUTOSSH_GATETIME=0", "autossh", "-M", "0"));
        List<String> ssh = ssh("auto", cluster.lbPort(), "-l", "gwauto", "-o", "ServerAliveInterval=1",
                "-o", "ServerAliveCountMax=2", "-o", "ExitOnForwardFailure=yes", "-N",
                "-R", "22:127.0.0.1:" + autoEcho.port());
        command.addAll(ssh.subList(1, ssh.size())); // autossh runs ssh with these arguments
        autossh = start(command, null);
        Row auto = awaitRow(cluster.pinnedPort(1), "gwauto", row -> true, autossh);
        b = cluster.nodeWithShortId(auto.node());
        assertNotEquals(0, b, "list shows node " + auto.node() + ", which is none of ours");
        a = b % 3 + 1;
        c = a % 3 + 1;
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            Runtime.getRuntime().removeShutdownHook(emergencyStop);
        }
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void listenerOnOneNodeIsReachedFromAnotherThroughWAndLAndTheLoadBalancer() throws Exception {
        SshProcess listener = start(ssh("gw", cluster.pinnedPort(b), "-l", "gw1", "-N",
                "-o", "ExitOnForwardFailure=yes", "-R", "22:127.0.0.1:" + gwEcho.port(),
                "-R", "9000:127.0.0.1:" + sink.port()), null);
        awaitRow(cluster.pinnedPort(a), "gw1", row -> row.ports().equals("22,9000") || row.ports().equals("9000,22"),
                listener);
        // Every node answers list alike, naming B as gw1's node.
        for (int n = 1; n <= 3; n++) {
            Row row = row(list(cluster.pinnedPort(n)), "gw1");
            assertEquals(cluster.shortId(b), row.node(), "node" + n + "'s list");
        }
        assertTrue(cluster.log(b).contains("listener added: gw1:22"), cluster.log(b));

        // -W on node A.
        assertEquals("gw-echo\nhello from A\n", roundTrip(cluster.pinnedPort(a), "gw1:22", "hello from A\n"));
        assertTrue(cluster.log(a).lines().anyMatch(l -> l.contains("circuit opened: ") && l.contains(" -> gw1:22")),
                "node A logged no circuit to gw1:\n" + cluster.log(a));

        // -L on node A: several circuits over one connection, each with its half-close.
        int localPort = FreePorts.tcp();
        SshProcess forward = start(ssh("alice", cluster.pinnedPort(a), "-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":gw1:22"), null);
        awaitConnectable(localPort, forward);
        for (int i = 0; i < 5; i++) {
            assertEquals("gw-echo\nping " + i + "\n", RoundTrip.viaPort(localPort, "ping " + i + "\n"));
        }
        forward.close();

        // Through the balanced port: three in a row land on three nodes, B itself included, as HAProxy's log
        // (a line per connection, once it has ended on both sides) shows.
        int before = balancedConnections().size();
        for (int i = 0; i < 3; i++) {
            assertEquals("gw-echo\nvia lb " + i + "\n", roundTrip(cluster.lbPort(), "gw1:22", "via lb " + i + "\n"));
        }
        RelayFixture.await("HAProxy to log three more connections", () -> balancedConnections().size() >= before + 3);
        List<String> servers = balancedConnections();
        assertEquals(Set.of("relay1", "relay2", "relay3"), new TreeSet<>(servers.subList(before, before + 3)),
                cluster.haproxyLog());
    }

    @Test
    @Order(2)
    void twoHundredFiftySixMebibytesCrossNodesByteExact() throws Exception {
        SshProcess initiator = start(ssh("alice", cluster.pinnedPort(a), "-W", "gw1:9000"), null);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(1878);
        byte[] chunk = new byte[CHUNK];
        long started = System.nanoTime();
        try (OutputStream out = initiator.stdin()) {
            for (long sent = 0; sent < TRANSFER_SIZE; sent += CHUNK) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
        }
        initiator.waitFor(TIMEOUT.multipliedBy(4));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(TRANSFER_SIZE + " " + HexFormat.of().formatHex(digest.digest()) + "\n", initiator.stdout(),
                initiator.stderr());
        System.out.printf("256 MiB from node %d to node %d in %.1f s (%.0f MiB/s)%n", a, b, seconds, 256 / seconds);
    }

    @Test
    @Order(3)
    void fromUsesTheAddressInTheProxyHeader() throws Exception {
        // HAProxy connects to the nodes from 127.0.0.1; only its header can tell them about 127.0.0.3.
        // Three in a row through the balanced port reach all three nodes.
        for (int i = 0; i < 3; i++) {
            SshProcess allowed = runList("here3", cluster.lbPort(), "-o", "BindAddress=127.0.0.3");
            assertEquals(0, allowed.waitFor(TIMEOUT), allowed.stderr());
            assertTrue(allowed.stdout().contains("gw1"), allowed.stdout());

            SshProcess refused = runList("here1", cluster.lbPort(), "-o", "BindAddress=127.0.0.3");
            assertEquals(255, refused.waitFor(TIMEOUT), refused.stderr());
            assertTrue(refused.stderr().contains("Permission denied"), refused.stderr());
        }
        // And the other way round from 127.0.0.1, so neither key passes or fails whatever the address.
        SshProcess allowed = runList("here1", cluster.lbPort());
        assertEquals(0, allowed.waitFor(TIMEOUT), allowed.stderr());
        SshProcess refused = runList("here3", cluster.lbPort());
        assertEquals(255, refused.waitFor(TIMEOUT), refused.stderr());
        assertTrue(refused.stderr().contains("Permission denied"), refused.stderr());

        Set<Integer> sawAddress = new TreeSet<>();
        for (int n = 1; n <= 3; n++) {
            if (cluster.log(n).contains("127.0.0.3")) {
                sawAddress.add(n);
            }
        }
        assertEquals(Set.of(1, 2, 3), sawAddress, "nodes whose logs name the client address 127.0.0.3");

        // Straight to a node's own port, without a header, the connection is dropped.
        SshProcess direct = runList("alice", cluster.nodePort(a));
        assertEquals(255, direct.waitFor(TIMEOUT), direct.stdout() + direct.stderr());
    }

    /** dbclient, plink, paramiko, asyncssh, JSch and OpenSSH, each listening on B and reached through A. */
    @ParameterizedTest
    @EnumSource(FieldClients.Client.class)
    @Order(4)
    void everyFieldClientListensOnOneNodeAndIsReachedThroughAnother(FieldClients.Client client) throws Exception {
        String name = client.user();
        SshProcess listener = start(fieldClients.listen(client, "127.0.0.1", cluster.pinnedPort(b), 22,
                gwEcho.port()), null);
        Row row = awaitRow(cluster.pinnedPort(a), name, r -> r.ports().equals("22"), listener);
        assertEquals(cluster.shortId(b), row.node());

        SshProcess circuit = start(fieldClients.open(client, "127.0.0.1", cluster.pinnedPort(a), name + ":22"), null);
        FieldClients.converse(circuit, "hello from " + name + "\n", "gw-echo\nhello from " + name + "\n");
        assertTrue(cluster.log(a).lines().anyMatch(l -> l.contains("circuit opened: " + name + "@")
                && l.contains(" -> " + name + ":22")), "node A logged no circuit to " + name);

        SshProcess list = run(fieldClients.run(client, "127.0.0.1", cluster.lbPort(), "list"));
        assertEquals(0, list.waitFor(TIMEOUT), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(name + " ")), list.stdout());
        listener.close();
    }

    @Test
    @Order(5)
    void killingTheListenersNodePurgesItsNamesClosesItsCircuitsAndAutosshComesBackThroughTheLoadBalancer()
            throws Exception {
        SshProcess listener = start(ssh("gw", cluster.pinnedPort(b), "-l", "gw2", "-N",
                "-o", "ExitOnForwardFailure=yes", "-R", "22:127.0.0.1:" + gwEcho.port()), null);
        awaitRow(cluster.pinnedPort(a), "gw2", row -> true, listener);
        SshProcess open = start(ssh("alice", cluster.pinnedPort(a), "-W", "gw2:22"), null);
        OutputStream toTarget = open.stdin();
        toTarget.write("before the crash\n".getBytes(StandardCharsets.UTF_8));
        toTarget.flush();
        RelayFixture.await(open, "the echo through the open circuit",
                () -> stdout(open).equals("gw-echo\nbefore the crash\n"));
        String deadNode = cluster.shortId(b);

        long killed = System.nanoTime();
        cluster.kill(b);

        assertTrue(open.process().waitFor(FAILOVER.toMillis(), TimeUnit.MILLISECONDS),
                "the circuit into the dead node is still open after " + FAILOVER);
        double circuitClosed = (System.nanoTime() - killed) / 1e9;
        awaitList(cluster.pinnedPort(a), "no names on the dead node",
                rows -> rows.stream().noneMatch(r -> r.node().equals(deadNode)), FAILOVER);
        double purged = (System.nanoTime() - killed) / 1e9;
        List<Row> rows = list(cluster.pinnedPort(c));
        assertTrue(rows.stream().noneMatch(r -> r.node().equals(deadNode) || r.name().startsWith("gw1")
                || r.name().startsWith("gw2")), "node C still lists the dead node's clients: " + rows);
        assertTrue(listener.process().waitFor(FAILOVER.toMillis(), TimeUnit.MILLISECONDS),
                "the listener on the dead node did not notice");
        ClusterScript.Result status = cluster.status();
        assertEquals(1, status.status(), status.output());
        assertTrue(status.output().contains("node" + b + "  stopped"), status.output());

        // autossh notices within ~2 s (ServerAliveInterval=1, CountMax=2) or at once on the reset, reconnects
        // through HAProxy to a live node, and its name is reachable again.
        Row auto = awaitRow(cluster.pinnedPort(a), "gwauto", row -> !row.node().equals(deadNode), autossh);
        double back = (System.nanoTime() - killed) / 1e9;
        assertNotEquals(0, cluster.nodeWithShortId(auto.node()));
        for (int i = 0; i < 3; i++) {
            assertEquals("gwauto-echo\nagain " + i + "\n", roundTrip(cluster.lbPort(), "gwauto:22", "again " + i + "\n"));
        }
        System.out.printf("after SIGKILL of node %d: circuit closed in %.1f s, names purged in %.1f s, "
                + "autossh listener back in %.1f s%n", b, circuitClosed, purged, back);
    }

    // --- clients --------------------------------------------------------------------------------------------------

    private Path key(String role) {
        return dir.resolve("key-" + role);
    }

    private static Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    /** {@code ssh} logging in with the role's key to 127.0.0.1:port, with these options. */
    private List<String> ssh(String role, int port, String... options) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", sshConfig().toString(), "-i",
                key(role).toString(), "-p", String.valueOf(port)));
        command.addAll(Arrays.asList(options));
        command.add("127.0.0.1");
        return command;
    }

    /** {@code ssh ... list} with the role's key through {@code port}. */
    private SshProcess runList(String role, int port, String... options) throws IOException, InterruptedException {
        List<String> command = ssh(role, port, options);
        command.add("list");
        return run(command);
    }

    private SshProcess start(List<String> command, Path stdin) throws IOException {
        SshProcess process = SshProcess.start(dir, command, stdin);
        cleanups.add(process);
        return process;
    }

    private SshProcess run(List<String> command) throws IOException, InterruptedException {
        SshProcess process = start(command, dir.resolve("empty-stdin"));
        process.waitFor(TIMEOUT);
        return process;
    }

    private TcpTarget target(String banner, TcpTarget.Mode mode) throws IOException {
        TcpTarget target = new TcpTarget(banner, mode);
        cleanups.add(target);
        return target;
    }

    /** {@code ssh -W target} as alice through {@code port}: what comes back for {@code input} and its EOF. */
    private String roundTrip(int port, String target, String input) throws Exception {
        return RoundTrip.viaSsh(dir, ssh("alice", port, "-W", target), input, TIMEOUT);
    }

    private static void awaitConnectable(int port, SshProcess forward) throws Exception {
        RelayFixture.await(forward, "ssh -L to listen on " + port, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The node (relay1...) of every connection through the balanced port that HAProxy has logged, in order. */
    private List<String> balancedConnections() {
        try {
            return cluster.haproxyLog().lines().filter(l -> l.contains(" ssh relays/"))
                    .map(l -> l.replaceAll(".* ssh relays/(\\S+) .*", "$1")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stdout(SshProcess process) {
        try {
            return process.stdout();
        } catch (UncheckedIOException e) {
            return "";
        }
    }

    // --- list -----------------------------------------------------------------------------------------------------

    /** One row of {@code list}: NAME ADDRESS ALIASES PORTS NODE. */
    record Row(String name, String address, String aliases, String ports, String node) {
    }

    /** {@code list} as alice through {@code port}. */
    private List<Row> listOrFail(int port) {
        try {
            return list(port);
        } catch (Exception e) {
            throw new AssertionError("list on port " + port + " failed", e);
        }
    }

    private List<Row> list(int port) throws Exception {
        SshProcess process = runList("alice", port);
        assertEquals(0, process.waitFor(TIMEOUT), process.stderr());
        List<Row> rows = new ArrayList<>();
        List<String> lines = process.stdout().lines().toList();
        if (lines.equals(List.of("no listening clients"))) {
            return rows;
        }
        assertEquals(List.of("NAME", "ADDRESS", "ALIASES", "PORTS", "NODE"), Arrays.asList(lines.get(0).split("\\s+")),
                process.stdout());
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            assertEquals(5, cells.length, line);
            rows.add(new Row(cells[0], cells[1], cells[2], cells[3], cells[4]));
        }
        return rows;
    }

    private static Row row(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + rows));
    }

    /** Polls list until a row named {@code name} matches; fails early with its stderr if {@code client} exits. */
    private Row awaitRow(int port, String name, Predicate<Row> condition, SshProcess client) throws Exception {
        List<Row> rows = awaitList(port, name + " listed", found -> {
            if (client != null && !client.isAlive()) {
                fail("exited: " + client + "\nstderr: " + stderr(client));
            }
            return found.stream().anyMatch(r -> r.name().equals(name) && condition.test(r));
        }, TIMEOUT);
        return rows.stream().filter(r -> r.name().equals(name) && condition.test(r)).findFirst().orElseThrow();
    }

    private List<Row> awaitList(int port, String what, Predicate<List<Row>> condition, Duration timeout)
            throws Exception {
        List<List<Row>> seen = new ArrayList<>();
        try {
            return Await.value(what, timeout, () -> {
                List<Row> rows = listOrFail(port);
                seen.add(rows);
                return condition.test(rows) ? Optional.of(rows) : Optional.empty();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; list shows " + seen.get(seen.size() - 1)
                    + cluster.logTails(), e);
        }
    }

    private static String stderr(SshProcess process) {
        try {
            return process.stderr();
        } catch (UncheckedIOException e) {
            return e.toString();
        }
    }
}
