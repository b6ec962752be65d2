package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.testing.SshKeygen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The operator commands across two clustered relays in this JVM: run on node A, they see and kick a listening client
 * connected to node B, over the secure cluster plane. Hazelcast gets a port range of its own, so other clusters on
 * this machine cannot interfere.
 */
class ClusterAdminTest {

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-admin");

    @Test
    void anAdminOnOneNodeSeesAndKicksAClientOnAnother() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("echo", TcpTarget.Mode.ECHO);
        cluster.start(List.of("access=\"admin\" {root}", "access=\"initiate\" {alice}"),
                List.of("access=\"listen\" {gw}"));
        String nodeB = b.server().nodeId().shortId();

        SshProcess listener = b.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        RelayFixture.await("gw1 known on A", () -> a.newestRecord("gw1").isPresent());
        SshProcess circuit = a.start(a.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        stdin.write("across\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        RelayFixture.await(circuit, "the echo across nodes", () -> circuit.stdout().equals("echo\nacross\n"));

        SshProcess list = a.run(a.ssh("relay-root", "list", "-v"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(line -> line.matches("gw1 .* " + nodeB + " +\\S+ +1 +\\d+ +-")),
                "B's answer about its client: " + list.stdout());
        SshProcess json = a.run(a.ssh("relay-root", "list", "-v", "--json"));
        JsonObject row = new JsonArray(json.stdout()).getJsonObject(0);
        assertEquals(List.of("gw1", nodeB, SshKeygen.fingerprint(b.key("gw")), 1), List.of(row.getString("name"),
                row.getString("node"), row.getString("key"), row.getInteger("circuits")), json.stdout());

        SshProcess counts = a.run(a.ssh("relay-alice", "list", "-c", "gw*"));
        assertEquals(0, counts.process().exitValue(), counts.stderr());
        String release = RelayVersion.version();
        assertEquals(Stream.of(a.server().nodeId().shortId() + " 0 " + release, nodeB + " 1 " + release, "total 1")
                        .sorted().toList(),
                counts.stdout().lines().skip(1).map(line -> line.replaceAll(" +", " ")).sorted().toList(),
                "a row per node, B's client counted: " + counts.stdout());

        SshProcess circuits = a.run(a.ssh("relay-root", "circuits"));
        assertTrue(circuits.stdout().lines().anyMatch(line -> line.matches("alice@.* gw1:22 .* 7 +12 +\\w+->"
                + nodeB)), "one row for the circuit, from A to B: " + circuits.stdout());
        assertEquals(2, circuits.stdout().lines().count(), circuits.stdout());

        SshProcess kick = a.run(a.ssh("relay-root", "kick", "gw1"));
        assertEquals(0, kick.process().exitValue(), kick.stderr());
        assertTrue(kick.stdout().contains("on node " + nodeB + ")"), kick.stdout());
        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT), "B disconnected it");
        a.awaitGone("gw1");
    }
}
