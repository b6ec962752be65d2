package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.nuttssh.config.CertificateConfig;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.SshKeygen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates on a two-node cluster in this JVM: both nodes present the same host key and certificate, a device
 * certified by the fleet CA listens on node B with plink, and an operator on node A reaches it with OpenSSH and sees
 * its certificate.
 */
class ClusterCertificatesTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final RelayFixture a = new RelayFixture();
    @RegisterExtension
    final RelayFixture b = new RelayFixture();

    @Test
    void aFleetCertificateWorksAcrossNodesThatShareOneHostCertificate() throws Exception {
        Path hazelcast = HazelcastFiles.onFreePorts(dir);
        String name = "nuttssh-certificates-" + UUID.randomUUID();
        Path certs = dir.resolve("certs");
        TcpTarget echo = b.target("echo", TcpTarget.Mode.ECHO);
        Path hostKey = a.hostKey();
        SshKeygen.certify(hostKey, a.key("hostca", "ecdsa"), "relay", "-h", "-n", "relay.example.org");
        for (String file : List.of("ssh_host_key", "ssh_host_key.pub", "ssh_host_key-cert.pub")) {
            Files.copy(a.dir().resolve(file), b.dir().resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        a.configure(c -> c.cluster(new ClusterConfig(hazelcast, name, "127.0.0.1", List.of(), null, null,
                ClusterSecurity.of(certs, "node-a"))).certificates(hostCertificate(a)));
        a.start("access=\"initiate\",access=\"admin\" {ops}");
        b.configure(c -> c.cluster(new ClusterConfig(hazelcast, name, "127.0.0.1", List.of(), null, null,
                ClusterSecurity.of(certs, "node-b"))).certificates(hostCertificate(b)));
        b.start("cert-authority,access=\"listen\",names=\"gw-*\" " + a.publicKey("fleetca"));
        RelayFixture.await("two members", () -> a.server().statistics().clusterMembers() == 2);

        b.certify("gw", a.key("fleetca"), "-n", "gw-0007", "-z", "7");
        // The device is PuTTY's plink, with the certificate in its .ppk.
        SshProcess device = b.start(b.plink(b.puttyKey("gw"), "gw-0007",
                List.of("-N", "-R", "22:localhost:" + echo.port()), null));
        RelayFixture.await(device, "gw-0007 listening on B", () -> b.newestRecord("gw-0007").isPresent());
        RelayFixture.await("gw-0007 known on A", () -> a.newestRecord("gw-0007").isPresent());

        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "@cert-authority *.example.org " + a.publicKey("hostca") + "\n",
                StandardCharsets.UTF_8);
        SshProcess circuit = a.run(strictly(a, knownHosts, "-W", "gw-0007:22", "relay-ops"));
        assertTrue(circuit.stdout().startsWith("echo"), circuit.stderr());
        SshProcess list = a.run(strictly(a, knownHosts, "relay-ops", "list", "-v"));
        assertTrue(list.stdout().lines().anyMatch(line -> line.startsWith("gw-0007 ")
                && line.contains(" id \"gw\" serial 7 ca ")), list.stdout());

        SshProcess onB = b.run(strictly(b, knownHosts, "-l", "gw-0007", "relay-gw", "whoami"));
        assertEquals(0, onB.process().exitValue(), "B presents the same certificate: " + onB.stderr());
        assertTrue(onB.stdout().contains("certificate: id \"gw\" serial 7"), onB.stdout());
    }

    private static CertificateConfig hostCertificate(RelayFixture node) {
        return new CertificateConfig(null, true, node.dir().resolve("ssh_host_key-cert.pub"));
    }

    /** ssh through {@code node}'s config, checking the host key against the CA in {@code knownHosts} alone. */
    private static List<String> strictly(RelayFixture node, Path knownHosts, String... args) {
        List<String> command = new ArrayList<>(node.ssh("-o", "StrictHostKeyChecking=yes", "-o",
                "UserKnownHostsFile=" + knownHosts, "-o", "HostKeyAlias=relay.example.org"));
        command.addAll(List.of(args));
        return command;
    }
}
