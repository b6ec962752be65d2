package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.nuttssh.testing.FakeListener;
import org.nuttssh.testing.RecordingEnd;

/**
 * Event-bus TLS with mutual authentication: nodes with certificates from the cluster's CA carry circuits; a node
 * whose certificate another CA signed cannot take part in one, although it sees the shared registry.
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
        Path ca = authority("cluster-ca");
        Path rogueCa = authority("rogue-ca");
        String name = "nuttssh-tls-" + UUID.randomUUID();
        TestNode a = start(name, ca, certificate(ca, "node-a"));
        TestNode b = start(name, ca, certificate(ca, "node-b"));
        TestNode rogue = start(name, rogueCa, certificate(rogueCa, "rogue"));

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

    private TestNode start(String name, Path ca, Path[] certificate) throws Exception {
        ClusterConfig config = new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null,
                new ClusterConfig.ClusterTls(certificate[0], certificate[1], ca.resolveSibling(ca.getFileName()
                        + ".crt")));
        TestNode node = TestNode.join(config);
        nodes.add(node);
        return node;
    }

    /** @return the CA key path; its certificate is beside it with ".crt" appended */
    private Path authority(String name) throws Exception {
        Path key = dir.resolve(name);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", key + ".crt", "-subj", "/CN=" + name, "-days", "2");
        return key;
    }

    /** @return certificate and key files of a node certificate signed by {@code ca} */
    private Path[] certificate(Path ca, String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path extensions = dir.resolve(name + ".ext");
        Files.writeString(extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.UTF_8);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca + ".crt", "-CAkey", ca.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", extensions.toString());
        return new Path[] {cert, key};
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
    }
}
