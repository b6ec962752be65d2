package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.SshKeygen;


/**
 * Certificates on a two-node cluster in this JVM: both nodes present the same host key and certificate, a device
 * certified by the fleet CA listens on node B with plink, and an operator on node A reaches it with OpenSSH and sees
 * its certificate.
 */
class ClusterCertificatesTest {

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-certificates");

    @Test
    void aFleetCertificateWorksAcrossNodesThatShareOneHostCertificate() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("echo", TcpTarget.Mode.ECHO);
        Path hostKey = a.hostKey();
        SshKeygen.certify(hostKey, a.key("hostca", "ecdsa"), "relay", "-h", "-n", "relay.example.org");
        for (String file : List.of("ssh_host_key", "ssh_host_key.pub", "ssh_host_key-cert.pub")) {
            Files.copy(a.dir().resolve(file), b.dir().resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        a.configure(c -> c.certificates(hostCertificate(a)));
        b.configure(c -> c.certificates(hostCertificate(b)));
        cluster.start(List.of("access=\"initiate\",access=\"admin\" {ops}"),
                List.of("cert-authority,access=\"listen\",names=\"gw-*\" " + a.publicKey("fleetca")));

        b.certify("gw", a.key("fleetca"), "-n", "gw-0007", "-z", "7");
        // The device is PuTTY's plink, with the certificate in its .ppk.
        SshProcess device = b.start(b.plink(b.puttyKey("gw"), "gw-0007",
                List.of("-N", "-R", "22:localhost:" + echo.port()), null));
        RelayFixture.await(device, "gw-0007 listening on B", () -> b.newestRecord("gw-0007").isPresent());
        RelayFixture.await("gw-0007 known on A", () -> a.newestRecord("gw-0007").isPresent());

        Path knownHosts = a.dir().resolve("known_hosts");
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
