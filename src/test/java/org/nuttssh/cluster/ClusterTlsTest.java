package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.ListeningClient;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.registry.ListenerRecord;

/**
 * Event-bus TLS with mutual authentication: nodes with certificates from the cluster's CA carry circuits; a node
 * whose certificate another CA signed cannot take part in one, although it sees the shared registry.
 */
class ClusterTlsTest {

    @TempDir
    Path dir;
    private final List<Cluster> clusters = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        clusters.forEach(Cluster::close);
        scheduler.shutdownNow();
    }

    @Test
    void onlyNodesWithCertificatesFromTheClusterCaCarryCircuits() throws Exception {
        Path ca = authority("cluster-ca");
        Path rogueCa = authority("rogue-ca");
        String name = "nuttssh-tls-" + UUID.randomUUID();
        Switchboard a = start(name, ca, certificate(ca, "node-a"));
        Switchboard b = start(name, ca, certificate(ca, "node-b"));
        Switchboard rogue = start(name, rogueCa, certificate(rogueCa, "rogue"));

        RecordingEnd[] target = new RecordingEnd[1];
        ListeningClient client = (port, host, originPort) -> {
            target[0] = new RecordingEnd("target", false);
            return CompletableFuture.completedFuture((CircuitEnd) target[0]);
        };
        b.publish(record(b, "gw-b", "gw"), client).toCompletableFuture().join();
        rogue.publish(record(rogue, "gw-rogue", "rogue"), client).toCompletableFuture().join();
        waitUntil(() -> a.registry().resolve("rogue", 0).toCompletableFuture().join().isPresent());
        waitUntil(() -> a.registry().resolve("gw", 0).toCompletableFuture().join().isPresent());

        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = a.connect(initiator, RecordingEnd.WHO, "gw", 22, "127.0.0.1", 1).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        circuit.initiatorReady();
        initiator.send("over tls");
        waitUntil(() -> target[0] != null && target[0].received().equals("over tls"));

        Throwable refused = a.connect(new RecordingEnd("initiator", false), RecordingEnd.WHO, "rogue", 22,
                "127.0.0.1", 1).toCompletableFuture().handle((ok, failure) -> failure).get(30, TimeUnit.SECONDS);
        assertTrue(refused != null, "a circuit to a node outside the CA must fail");
        String reason = Switchboard.asRefusal(refused).getMessage();
        assertTrue(reason.startsWith("rogue:22: node "), reason);
        assertTrue(target[0].received().equals("over tls"), "the rogue node's client was never asked");
    }

    private Switchboard start(String name, Path ca, Path[] certificate) throws Exception {
        ClusterConfig config = new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null,
                new ClusterConfig.ClusterTls(certificate[0], certificate[1], ca.resolveSibling(ca.getFileName()
                        + ".crt")));
        Cluster cluster = Cluster.join(config);
        clusters.add(cluster);
        Switchboard switchboard = new Switchboard(cluster.registry(), cluster.nodeId());
        cluster.serve(switchboard, scheduler);
        return switchboard;
    }

    private static ListenerRecord record(Switchboard node, String id, String hostname) {
        TreeMap<Integer, String> ports = new TreeMap<>();
        ports.put(22, "localhost");
        return new ListenerRecord(id, node.node(), hostname, List.of(), ports, "127.0.0.1:1", Instant.now(), 0);
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

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
