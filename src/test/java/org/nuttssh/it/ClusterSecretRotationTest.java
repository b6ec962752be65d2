package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.cluster.registry.SealedRecords;
import org.nuttssh.cluster.registry.SealingKey;
import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.cluster.trust.ClusterSecret;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;

import com.hazelcast.core.HazelcastInstance;

/**
 * {@code cluster-certs --rotate-secret}, then {@code --retire-old-secret}, on two running nodes that each read the
 * secret from a file of their own, as nodes on two machines do: the next secret reaches A first and B later. Nodes
 * seal with it only once both hold it, and then seal their records again, so that a holder of only the old secret (a
 * revoked node) reads none of them; a listener on B is reached from A with OpenSSH throughout.
 */
class ClusterSecretRotationTest {

    /** Two polls of the secret files, and room for a busy machine: what a node does by then, it has done. */
    private static final Duration POLLS = Duration.ofSeconds(6);

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-rotation");

    @Test
    void aRotatedSecretSealsOnlyOnceEveryNodeHoldsItAndTheOldOneThenReadsNothingNew() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("echo-b", TcpTarget.Mode.ECHO);
        List<String> roles = List.of("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        cluster.startA(roles);
        Path certs = cluster.certs();
        Path secretOfA = certs.resolve(ClusterCertificates.SECRET);
        Path secretOfB = Files.createDirectories(b.dir().resolve("secret")).resolve(ClusterCertificates.SECRET);
        Files.copy(secretOfA, secretOfB, StandardCopyOption.COPY_ATTRIBUTES);
        cluster.startB(roles, secretOfB);
        SealedRecords old = codec(secretOfB);
        b.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        a.listener("gw", "gwa", "gwa", "22:localhost:" + echo.port());
        RelayFixture.await("gw1 known on A", () -> a.newestRecord("gw1").isPresent());
        HazelcastInstance reader = cluster.stranger();
        NodeId nodeA = a.server().nodeId();
        NodeId nodeB = b.server().nodeId();

        Probes probes = new Probes(a);
        Thread probing = new Thread(probes, "rotation-probes");
        probing.start();
        try {
            new ClusterCertificates(certs, line -> { }).rotateSecret();
            SealedRecords next = codec(certs.resolve(ClusterCertificates.NEXT_SECRET));
            Thread.sleep(POLLS.toMillis());
            assertTrue(opens(reader, nodeA, "gwa", old).isPresent() && opens(reader, nodeA, "gwa", next).isEmpty(),
                    "A holds the next secret, but B does not yet: A still seals with the old one");

            Files.copy(certs.resolve(ClusterCertificates.NEXT_SECRET),
                    b.dir().resolve("secret").resolve(ClusterCertificates.NEXT_SECRET),
                    StandardCopyOption.COPY_ATTRIBUTES);
            Await.until("both nodes' records sealed again with the next secret, once both nodes hold it",
                    () -> opens(reader, nodeB, "gw1", next).isPresent()
                            && opens(reader, nodeA, "gwa", next).isPresent());
            assertEquals(List.of(Optional.empty(), Optional.empty()), List.of(opens(reader, nodeB, "gw1", old),
                    opens(reader, nodeA, "gwa", old)), "the old secret opens them no more");

            new ClusterCertificates(certs, line -> { }).retireOldSecret();
            Files.copy(certs.resolve(ClusterCertificates.SECRET), secretOfB, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.delete(b.dir().resolve("secret").resolve(ClusterCertificates.NEXT_SECRET));
            Thread.sleep(POLLS.toMillis());
            b.listener("gw", "gw2", "gw2", "22:localhost:" + echo.port());
            RelayFixture.await("gw2 known on A", () -> a.newestRecord("gw2").isPresent());
            assertTrue(opens(reader, nodeB, "gw2", next).isPresent(), "sealed with the new secret");
            assertEquals(Optional.empty(), opens(reader, nodeB, "gw2", old), "the old secret reads nothing new");
            SshProcess circuit = a.run(a.ssh("-W", "gw2:22", "relay-alice"));
            assertEquals("echo-b\n", circuit.stdout(), circuit.stderr());
        } finally {
            probes.stop.set(true);
            probing.join();
        }
        assertTrue(probes.reached.get() > 0, "probes ran");
        assertEquals(List.of(), probes.failures, probes.reached + " probes reached gw1 on B from A");
    }

    private static SealedRecords codec(Path secret) throws Exception {
        return new SealedRecords(new SealingKey(ClusterSecret.load(secret).derive(SealedRecords.KEY_PURPOSE,
                SealingKey.BYTES)));
    }

    /** Whether {@code node}'s record of {@code name} in the shared map opens with {@code codec}. */
    private static Optional<String> opens(HazelcastInstance reader, NodeId node, String name, SealedRecords codec) {
        for (Map.Entry<Object, Object> entry : reader.getMap("nuttssh.listeners").entrySet()) {
            if (entry.getKey() instanceof String key && key.startsWith(node.value())
                    && entry.getValue() instanceof byte[] value) {
                Optional<String> opened = codec.decode(key, value).map(record -> record.record().hostname())
                        .filter(name::equals);
                if (opened.isPresent()) {
                    return opened;
                }
            }
        }
        return Optional.empty();
    }

    /** Circuits from A to gw1 on B, one after another, until stopped: each must carry gw1's banner. */
    private static final class Probes implements Runnable {

        private final RelayFixture through;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger reached = new AtomicInteger();
        private final List<String> failures = new ArrayList<>();

        Probes(RelayFixture through) {
            this.through = through;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    SshProcess circuit = through.run(through.ssh("-W", "gw1:22", "relay-alice"));
                    if ("echo-b\n".equals(circuit.stdout())) {
                        reached.incrementAndGet();
                    } else {
                        failures.add(circuit.stdout() + " / " + circuit.stderr());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }
    }
}
