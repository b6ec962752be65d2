package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.FakeListener;
import org.nuttssh.testing.RecordingEnd;

/**
 * The two locks of a secure cluster, each on its own: event-bus TLS with mutual authentication (a node whose
 * certificate another CA signed carries no circuit, although it shares the registry), and sealed records (a node with
 * another secret neither reads the registry nor is read).
 */
class ClusterTlsTest {

    @TempDir
    Path dir;
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void onlyNodesWithCertificatesFromTheClusterCaCarryCircuits() throws Exception {
        Path ca = dir.resolve("cluster-ca");
        Path rogueCa = dir.resolve("rogue-ca");
        String name = "nuttssh-tls-" + UUID.randomUUID();
        TestNode a = start(name, ClusterSecurity.of(ca, "node-a"));
        TestNode b = start(name, ClusterSecurity.of(ca, "node-b"));
        // Another CA, but the cluster's secret: it reads and writes the registry, and only TLS keeps it out.
        ClusterConfig.Secure rogueFiles = ClusterSecurity.of(rogueCa, "rogue");
        TestNode rogue = start(name, new ClusterConfig.Secure(rogueFiles.tls(), ca.resolve("cluster.secret")));

        FakeListener gw = FakeListener.accepting();
        FakeListener rogues = FakeListener.accepting();
        b.switchboard().publish(b.record("gw-b", "gw", 22), gw).toCompletableFuture().join();
        rogue.switchboard().publish(rogue.record("gw-rogue", "rogue", 22), rogues).toCompletableFuture().join();
        Await.until("the rogue node's client in A's registry", () -> a.resolve("rogue", 0).isPresent());
        Await.until("B's client in A's registry", () -> a.resolve("gw", 0).isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.switchboard().connect(initiator, RecordingEnd.WHO, "gw", 22, "127.0.0.1", 1)
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        circuit.initiatorReady();
        initiator.send("over tls");
        Await.until("the bytes on B", () -> gw.lastTarget().received().equals("over tls"));

        Throwable refused = a.switchboard().connect(new RecordingEnd("initiator", false), RecordingEnd.WHO, "rogue", 22,
                "127.0.0.1", 1).toCompletableFuture().handle((ok, failure) -> failure).get(30, TimeUnit.SECONDS);
        assertTrue(refused != null, "a circuit to a node outside the CA must fail");
        String reason = Switchboard.asRefusal(refused).getMessage();
        assertTrue(reason.startsWith("rogue:22: node "), reason);
        assertThrows(IndexOutOfBoundsException.class, rogues::lastTarget, "the rogue node's client was never asked");
    }

    @Test
    void aNodeWithAnotherSecretNeitherReadsNorIsRead() throws Exception {
        Path ca = dir.resolve("cluster-ca");
        String name = "nuttssh-secret-" + UUID.randomUUID();
        TestNode a = start(name, ClusterSecurity.of(ca, "node-a"));
        ClusterConfig.Secure files = ClusterSecurity.of(ca, "node-x");
        Path otherSecret = dir.resolve("other.secret");
        Files.write(otherSecret, new byte[32]);
        Files.setPosixFilePermissions(otherSecret, PosixFilePermissions.fromString("rw-------"));
        TestNode x = start(name, new ClusterConfig.Secure(files.tls(), otherSecret));

        a.switchboard().publish(a.record("gw-a", "gw-a", 22), FakeListener.accepting()).toCompletableFuture().join();
        x.switchboard().publish(x.record("gw-x", "gw-x", 22), FakeListener.accepting()).toCompletableFuture().join();

        Await.until("each to count the other's record as unreadable",
                () -> a.node().view().unreadable() > 0 && x.node().view().unreadable() > 0);
        Await.holds("neither to list the other's client", Duration.ofMillis(500),
                () -> a.resolve("gw-x", 0).isEmpty() && x.resolve("gw-a", 0).isEmpty());
    }

    private TestNode start(String name, ClusterConfig.Secure security) throws Exception {
        TestNode node = TestNode.join(new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null, null,
                security));
        nodes.add(node);
        return node;
    }
}
