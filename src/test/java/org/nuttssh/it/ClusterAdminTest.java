package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.ClusterConfig;

/**
 * The operator commands across two clustered relays in this JVM: run on node A, they see and kick a listening client
 * connected to node B. Hazelcast gets a port range of its own, so other clusters on this machine cannot interfere.
 */
class ClusterAdminTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final RelayFixture a = new RelayFixture();
    @RegisterExtension
    final RelayFixture b = new RelayFixture();

    /** Hazelcast XML: members on a free port range, found over TCP on loopback only. */
    private Path hazelcastConfig() throws Exception {
        int base;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            base = probe.getLocalPort();
        }
        Path file = dir.resolve("cluster.xml");
        Files.writeString(file, """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <properties>
                    <property name="hazelcast.wait.seconds.before.join">1</property>
                    <property name="hazelcast.max.wait.seconds.before.join">3</property>
                  </properties>
                  <network>
                    <port auto-increment="true" port-count="10">%d</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="true"><member-list><member>127.0.0.1:%d</member></member-list></tcp-ip>
                    </join>
                  </network>
                </hazelcast>
                """.formatted(base, base), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void anAdminOnOneNodeSeesAndKicksAClientOnAnother() throws Exception {
        ClusterConfig cluster = new ClusterConfig(hazelcastConfig(), "nuttssh-admin-" + UUID.randomUUID(),
                "127.0.0.1", List.of(), null, null);
        TcpTarget echo = new TcpTarget("echo", TcpTarget.Mode.ECHO);
        b.onClose(echo);
        a.configure(c -> c.cluster(cluster));
        a.start("access=\"admin\" {root}", "access=\"initiate\" {alice}");
        b.configure(c -> c.cluster(cluster));
        b.start("access=\"listen\" {gw}");
        RelayFixture.await("two members", () -> a.server().statistics().clusterMembers() == 2);
        String nodeB = b.server().nodeId().shortId();

        SshProcess listener = b.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        RelayFixture.await("gw1 known on A", () -> a.newestRecord("gw1").isPresent());
        SshProcess circuit = a.start(a.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        stdin.write("across\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        RelayFixture.await(circuit, "the echo across nodes", () -> read(circuit).equals("echo\nacross\n"));

        SshProcess list = a.run(a.ssh("relay-root", "list", "-v"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(line -> line.matches("gw1 .* " + nodeB + " +\\S+ +1 +\\d+")),
                "B's answer about its client: " + list.stdout());

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

    private static String read(SshProcess process) {
        try {
            return process.stdout();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
