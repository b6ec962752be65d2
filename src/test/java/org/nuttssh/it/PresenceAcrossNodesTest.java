package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Two relay JVMs as one secure cluster, started as an operator would: a device listens on node B, B is killed with
 * SIGKILL (no goodbye, nothing written on the way out), and node A still lists the device as offline, last seen on
 * B when B was lost.
 */
@Tag("slow")
class PresenceAcrossNodesTest {

    /** Hazelcast notices a killed member when its connections close; ClusterProcessTest sees it within 15 s. */
    private static final Duration FAILOVER = Duration.ofSeconds(45);

    @TempDir
    Path certs;
    @RegisterExtension
    final RelayFixture a = new RelayFixture();
    @RegisterExtension
    final RelayFixture b = new RelayFixture();

    @Test
    void theSurvivorRemembersADeviceWhoseNodeWasKilled() throws Exception {
        TcpTarget echo = b.target("echo", TcpTarget.Mode.ECHO);
        Path hazelcast = HazelcastFiles.onFreePorts(certs);
        String cluster = "nuttssh-presence-" + UUID.randomUUID();
        List<String> aFlags = new ArrayList<>(flags(hazelcast, cluster, "node-a"));
        aFlags.addAll(List.of("--metrics-port", "0"));
        RelayProcess nodeA = a.startProcess(aFlags, "access=\"initiate\" {alice}");
        RelayProcess nodeB = b.startProcess(flags(hazelcast, cluster, "node-b"), "access=\"listen\" {gw}");
        Await.until("two members", () -> run(a, "whoami").contains(", one of 2: "));

        SshProcess device = b.start(b.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-l", "gw-9", "-R",
                "22:localhost:" + echo.port(), "relay-gw"));
        JsonObject connected = Await.value("gw-9 listed on A", FAILOVER, () -> row(run(a, "list", "--json")));
        String holder = connected.getString("node");
        Thread.sleep(2000); // so that being seen until the kill differs from being seen at the connect
        Instant killed = Instant.now();
        nodeB.handle().descendants().forEach(ProcessHandle::destroyForcibly);
        nodeB.handle().destroyForcibly();
        nodeB.handle().onExit().get(10, TimeUnit.SECONDS);

        JsonObject offline = Await.value("gw-9 offline on A", FAILOVER, () -> row(run(a, "list", "--offline",
                "--json")));
        assertEquals("[]\n", run(a, "list", "--json"), "the killed node's client is no longer listed");
        assertEquals(List.of("gw-9", holder, List.of(22)), List.of(offline.getString("name"),
                offline.getString("node"), offline.getJsonArray("ports").getList()));
        assertTrue(offline.getString("address").startsWith("127.0.0.1:"), offline.encode());
        Instant lastSeen = Instant.parse(offline.getString("last_seen"));
        assertTrue(!lastSeen.isBefore(killed.minusSeconds(1)), "seen until B was lost (" + killed + "), not only at "
                + "its connect (" + connected.getString("connected_since") + "): " + offline.encode());
        assertEquals(1.0, MetricsScrape.of(nodeA.metricsPort(RelayFixture.TIMEOUT)).value("nuttssh_presence_offline"));
        device.close();
    }

    private static List<String> flags(Path hazelcast, String cluster, String node) {
        ClusterConfig.Secure secure = ClusterSecurity.of(hazelcast.getParent(), node);
        return List.of("--cluster", "--cluster-host", "127.0.0.1", "--cluster-name", cluster, "--cluster-config",
                hazelcast.toString(), "--cluster-tls-cert", secure.tls().cert().toString(), "--cluster-tls-key",
                secure.tls().key().toString(), "--cluster-tls-ca", secure.tls().ca().toString(), "--cluster-secret",
                secure.secret().toString());
    }

    /** What {@code alice} gets on A for the command; empty when it fails, as while the cluster settles. */
    private static String run(RelayFixture node, String... command) {
        List<String> args = new ArrayList<>(List.of("relay-alice"));
        args.addAll(List.of(command));
        try {
            SshProcess process = node.run(node.ssh(args.toArray(String[]::new)));
            return process.process().exitValue() == 0 ? process.stdout() : "";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Optional<JsonObject> row(String json) {
        return json.isEmpty() ? Optional.empty() : new JsonArray(json).stream().map(JsonObject.class::cast)
                .filter(row -> row.getString("name").equals("gw-9")).findFirst();
    }
}
