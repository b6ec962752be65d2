package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.SshKeygen;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.testing.LogCapture;

/**
 * OpenSSH user certificates made by the real {@code ssh-keygen -s} and offered by the real {@code ssh} (it picks up
 * {@code key-ROLE-cert.pub} beside {@code IdentityFile key-ROLE}): one cert-authority line serves a fleet, and every
 * refusal of issue 20 is met and counted by its reason.
 */
class CertificatesTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void target() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void oneLineServesAFleetWhereNoDeviceListensUnderAnothersName() throws Exception {
        relay.start("cert-authority,access=\"listen\",names=\"gw-*\" {fleetca}",
                "cert-authority,access=\"initiate\",access=\"admin\",principals=\"ops\" {opsca}",
                "access=\"listen\",hostname=\"gw-reserved\" {legacy}");
        Path ca = relay.key("fleetca");
        relay.certify("gw42", ca, "-n", "gw-0042", "-z", "42");
        relay.listener("gw42", "gw-0042", "gw-0042", "22:localhost:" + echo.port());
        // The operator recipe: a short-lived certificate for the principal "ops", any user name.
        relay.certify("ops", relay.key("opsca"), "-n", "ops", "-V", "-1m:+1h", "-z", "9");
        try (LogCapture audit = new LogCapture("org.nuttssh.circuit.CircuitAudit")) {
            SshProcess circuit = relay.run(relay.ssh("-W", "gw-0042:22", "-l", "alice", "relay-ops"));
            assertTrue(circuit.stdout().startsWith("echo"), circuit.stderr());
            RelayFixture.await("the audit record", () -> audit.lines().stream().anyMatch(line -> line.contains(
                    "circuit closed: alice@127.0.0.1:") && line.contains("(certificate id \"ops\" serial 9 ca ")));
        }

        // Its certificate does not name gw-0043: no login as gw-0043.
        assertRefused(relay.ssh("-l", "gw-0043", "relay-gw42", "whoami"), CertificateRefusal.PRINCIPAL, 1);
        // A principal outside the CA line's names= logs in but cannot listen; nor under a name another line reserves.
        relay.certify("db", ca, "-n", "prod-db");
        assertCannotListen("db", "prod-db");
        relay.certify("thief", ca, "-n", "gw-reserved");
        assertCannotListen("thief", "gw-reserved");

        SshProcess whoami = relay.run(relay.ssh("-l", "gw-0042", "relay-gw42", "whoami"));
        assertEquals(0, whoami.process().exitValue(), whoami.stderr());
        String fingerprint = SshKeygen.fingerprint(ca);
        assertTrue(whoami.stdout().contains("certificate: id \"gw42\" serial 42 ca " + fingerprint + "\n"),
                whoami.stdout());
        SshProcess list = relay.run(relay.ssh("-l", "alice", "relay-ops", "list", "-v"));
        assertTrue(list.stdout().lines().anyMatch(line -> line.matches("gw-0042 .* id \"gw42\" serial 42 ca "
                + fingerprint.replace("+", "\\+"))), list.stdout());
    }

    @Test
    void theNamesACaLineGrantsBelongToItsCertificates() throws Exception {
        relay.start("cert-authority,access=\"listen\",names=\"gw-*\" {fleetca}", "access=\"listen\" {laptop}",
                "access=\"initiate\" {alice}");
        try (LogCapture log = new LogCapture("org.nuttssh.ssh")) {
            assertCannotListen("laptop", "gw-0042");
            assertCannotListen("laptop", "GW-0042");
            assertTrue(log.lines().stream().anyMatch(line -> line.contains("the name 'gw-0042' belongs to the"
                    + " certificates of the CA of " + relay.dir().resolve("authorized_keys") + ":1 names=\"gw-*\""
                    + " (cert-authority names=; reserved-names)")), log.lines()::toString);
        }
        relay.listener("laptop", "laptop-1", "laptop-1", "22:localhost:" + echo.port());

        relay.certify("gw42", relay.key("fleetca"), "-n", "gw-0042");
        relay.listener("gw42", "gw-0042", "gw-0042", "22:localhost:" + echo.port());
        SshProcess circuit = relay.run(relay.ssh("-W", "GW-0042:22", "relay-alice"));
        assertTrue(circuit.stdout().startsWith("echo"), circuit.stderr());
    }

    @Test
    void everyRefusalHasItsReason() throws Exception {
        relay.start("cert-authority,access=\"listen\" {rsaca}",
                "cert-authority,access=\"admin\",principals=\"ops-team\" {ecdsaca}",
                "cert-authority,access=\"listen\",from=\"10.0.0.0/8\" {farca}");
        Path rsa = relay.key("rsaca", "rsa");
        relay.key("ecdsaca", "ecdsa");
        relay.key("farca");
        relay.certify("nobody", rsa);
        assertRefused(relay.ssh("relay-nobody", "whoami"), CertificateRefusal.NO_PRINCIPALS, 1);
        relay.certify("expired", rsa, "-n", "expired", "-V", "-2d:-1d");
        assertRefused(relay.ssh("relay-expired", "whoami"), CertificateRefusal.VALIDITY, 1);
        relay.certify("early", rsa, "-n", "early", "-V", "+1d:+2d");
        assertRefused(relay.ssh("relay-early", "whoami"), CertificateRefusal.VALIDITY, 2);
        relay.certify("stranger", relay.key("otherca"), "-n", "stranger");
        assertRefused(relay.ssh("relay-stranger", "whoami"), CertificateRefusal.UNTRUSTED_CA, 1);
        relay.certify("forced", rsa, "-n", "forced", "-O", "force-command=list");
        assertRefused(relay.ssh("relay-forced", "whoami"), CertificateRefusal.CRITICAL_OPTION, 1);
        relay.certify("touch", rsa, "-n", "touch", "-O", "verify-required");
        assertRefused(relay.ssh("relay-touch", "whoami"), CertificateRefusal.CRITICAL_OPTION, 2);
        relay.certify("unknown", rsa, "-n", "unknown", "-O", "critical:frobnicate@example.org=yes");
        assertRefused(relay.ssh("relay-unknown", "whoami"), CertificateRefusal.CRITICAL_OPTION, 3);
        relay.certify("elsewhere", rsa, "-n", "elsewhere", "-O", "source-address=10.0.0.0/8,192.0.2.1");
        assertRefused(relay.ssh("relay-elsewhere", "whoami"), CertificateRefusal.SOURCE_ADDRESS, 1);
        relay.certify("far", relay.key("farca"), "-n", "far");
        assertRefused(relay.ssh("relay-far", "whoami"), CertificateRefusal.FROM, 1);
        relay.certify("dev", relay.key("ecdsaca"), "-n", "alice");
        assertRefused(relay.ssh("relay-dev", "whoami"), CertificateRefusal.PRINCIPAL, 1);

        // principals=: one of them in the certificate, whatever the user name.
        relay.certify("operator", relay.key("ecdsaca"), "-n", "alice,ops-team", "-V", "-5m:+1h");
        SshProcess admin = relay.run(relay.ssh("-l", "whoever", "relay-operator", "whoami"));
        assertEquals(0, admin.process().exitValue(), admin.stderr());
        assertTrue(admin.stdout().contains("access: admin\n"), admin.stdout());

        // A certificate kept apart from its key, named by CertificateFile (here an RSA CA's).
        Path apart = relay.dir().resolve("apart-cert.pub");
        Files.move(relay.certify("apart", rsa, "-n", "apart"), apart);
        SshProcess named = relay.run(relay.ssh("-o", "CertificateFile=" + apart, "relay-apart", "whoami"));
        assertEquals(0, named.process().exitValue(), named.stderr());
        assertTrue(named.stdout().contains("certificate: id \"apart\""), named.stdout());

        // The key ID is the CA's text, but printed escaped like every client string.
        SshKeygen.certify(relay.key("evil"), rsa, "evil\u001b[2J", "-n", "evil");
        SshProcess evil = relay.run(relay.ssh("relay-evil", "whoami"));
        assertTrue(evil.stdout().contains("certificate: id \"evil\\x1b[2J\" serial 0 ca "), evil.stdout());

        // Without permit-port-forwarding: logged in, whoami works, listening does not.
        relay.certify("shy", rsa, "-n", "shy", "-O", "no-port-forwarding");
        SshProcess shy = relay.run(relay.ssh("relay-shy", "whoami"));
        assertTrue(shy.stdout().contains("access: none\n"), shy.stdout() + shy.stderr());
        assertCannotListen("shy", "shy");
    }

    @Test
    void aKrlOrAKeyListRevokesLiveListenersAndAnUnreadableFileRefusesEveryone() throws Exception {
        Path revoked = relay.dir().resolve("revoked_keys");
        SshKeygen.krl(revoked, null);
        relay.configure(c -> c.certificates(new CertificateConfig(revoked, true, null)));
        relay.start("cert-authority,access=\"listen\" {ca}", "access=\"listen\" {plain}");
        Path ca = relay.key("ca");
        relay.certify("gw1", ca, "-n", "gw1", "-z", "7");
        relay.certify("gw2", ca, "-n", "gw2", "-z", "8");
        SshProcess gw1 = relay.listener("gw1", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess gw2 = relay.listener("gw2", "gw2", "gw2", "22:localhost:" + echo.port());
        SshProcess plain = relay.listener("plain", "plain", "plain", "22:localhost:" + echo.port());

        updateKrl(revoked, ca, "serial: 7");
        assertEquals(255, gw1.waitFor(RelayFixture.TIMEOUT));
        assertTrue(gw1.stderr().contains("your key or certificate was revoked"), gw1.stderr());
        relay.awaitGone("gw1");
        assertTrue(gw2.isAlive() && plain.isAlive(), "only serial 7 is revoked");
        assertRefused(relay.ssh("relay-gw1", "whoami"), CertificateRefusal.REVOKED, 1);

        updateKrl(revoked, ca, "id: gw2");
        assertEquals(255, gw2.waitFor(RelayFixture.TIMEOUT));
        relay.awaitGone("gw2");

        // The other format: public keys, one a line.
        Files.writeString(revoked, "# lost laptop\n" + relay.publicKey("plain") + "\n", StandardCharsets.UTF_8);
        assertEquals(255, plain.waitFor(RelayFixture.TIMEOUT));
        assertTrue(plain.stderr().contains("revoked"), plain.stderr());

        // Set but unreadable: nobody logs in, as with sshd.
        relay.certify("gw3", ca, "-n", "gw3");
        Files.delete(revoked);
        RelayFixture.await("logins refused", () -> exitOf(relay.ssh("relay-gw3", "whoami")) == 255);
        Files.writeString(revoked, "", StandardCharsets.UTF_8);
        RelayFixture.await("logins again", () -> exitOf(relay.ssh("relay-gw3", "whoami")) == 0);
    }

    @Test
    void anExpiringCertificateDisconnectsOnTime() throws Exception {
        relay.start("cert-authority,access=\"listen\" {ca}");
        relay.certify("brief", relay.key("ca"), "-n", "brief", "-V", "-1m:+6s");
        String validTo = Files.readString(Path.of(relay.key("brief") + "-cert.pub")); // for the failure message
        SshProcess brief = relay.listener("brief", "brief", "brief", "22:localhost:" + echo.port());

        assertEquals(255, brief.waitFor(RelayFixture.TIMEOUT), validTo);
        Instant exited = Instant.now();
        Matcher message = Pattern.compile("your certificate expired at (\\S+)").matcher(brief.stderr());
        assertTrue(message.find(), brief.stderr());
        Instant expiry = Instant.parse(message.group(1));
        assertFalse(exited.isBefore(expiry), "not before " + expiry + ": " + exited);
        assertTrue(Duration.between(expiry, exited).compareTo(Duration.ofSeconds(10)) < 0, "at " + exited);
        relay.awaitGone("brief");
    }

    /** Every 64-bit validity OpenSSH's sshd accepts: "forever", and far timestamps written in hex. */
    @Test
    void farAndEndlessValiditiesLogIn() throws Exception {
        relay.start("cert-authority,access=\"listen\" {ca}");
        for (String validity : List.of("20200101:0x7ffffffffffffff0", "always:forever", "-1m:0x7fffffffffffffff",
                "-1m:0x8000000000000000", "-1m:0x0100000000000000", "-1m:0x0020000000000000", "-1m:0x0030000000000000")) {
            String role = "valid" + validity.hashCode();
            relay.certify(role, relay.key("ca"), "-n", role, "-V", validity);
            SshProcess whoami = relay.run(relay.ssh("relay-" + role, "whoami"));
            assertEquals(0, whoami.process().exitValue(), validity + ": " + whoami.stderr());
            SshProcess listener = relay.listener(role, role, role, "22:localhost:" + echo.port());
            assertTrue(listener.isAlive(), validity + ": " + listener.stderr());
        }
    }

    @Test
    void expiryCanBeLeftToOpenSsh() throws Exception {
        relay.configure(c -> c.certificates(new CertificateConfig(null, false, null)));
        relay.start("cert-authority,access=\"listen\" {ca}");
        relay.certify("brief", relay.key("ca"), "-n", "brief", "-V", "-1m:+3s");
        SshProcess brief = relay.listener("brief", "brief", "brief", "22:localhost:" + echo.port());
        long end = System.nanoTime() + 5_000_000_000L;
        RelayFixture.await("past the expiry", () -> System.nanoTime() > end);
        assertTrue(brief.isAlive() && relay.newestRecord("brief").isPresent(), "still connected, as with sshd");
    }

    @Test
    void theHostCertificateLetsClientsTrustTheCaInsteadOfTheKey() throws Exception {
        Path hostCa = relay.key("hostca", "ecdsa");
        Path hostKey = relay.hostKey();
        SshKeygen.certify(hostKey, hostCa, "relay", "-h", "-n", "relay.example.org");
        relay.configure(c -> c.certificates(new CertificateConfig(null, true, Path.of(hostKey + "-cert.pub"))));
        relay.start("access=\"admin\" {ops}");

        SshProcess trusting = relay.run(strictly("@cert-authority *.example.org " + relay.publicKey("hostca")));
        assertEquals(0, trusting.process().exitValue(), trusting.stderr());
        assertTrue(trusting.stdout().contains("access: admin"), trusting.stdout());

        SshProcess other = relay.run(strictly("@cert-authority *.example.org " + relay.publicKey("otherca")));
        assertEquals(255, other.process().exitValue(), other.stderr());
        assertTrue(other.stderr().contains("Host key verification failed"), other.stderr());
    }

    @Test
    void plinkLogsInAndListensWithACertificate() throws Exception {
        relay.start("cert-authority,access=\"listen\" {ca}");
        relay.certify("putty", relay.key("ca"), "-n", "putty-gw", "-z", "5");
        Path ppk = relay.puttyKey("putty");
        SshProcess whoami = relay.run(relay.plink(ppk, "putty-gw", List.of(), "whoami"));
        assertEquals(0, whoami.process().exitValue(), whoami.stderr());
        assertTrue(whoami.stdout().contains("certificate: id \"putty\" serial 5 ca "), whoami.stdout());

        SshProcess listener = relay.start(relay.plink(ppk, "putty-gw",
                List.of("-N", "-R", "22:localhost:" + echo.port()), null));
        RelayFixture.await(listener, "plink listening", () -> relay.newestRecord("putty-gw").isPresent());
    }

    /** {@code ssh relay-ops whoami} checking the host key against {@code knownHosts} alone, as relay.example.org. */
    private List<String> strictly(String knownHosts) throws Exception {
        Path file = Files.createTempFile(relay.dir(), "known_hosts", "");
        Files.writeString(file, knownHosts + "\n", StandardCharsets.UTF_8);
        return relay.ssh("-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + file, "-o",
                "HostKeyAlias=relay.example.org", "relay-ops", "whoami");
    }

    @Test
    void aForgedCertificateIsRefusedForItsSignature() throws Exception {
        relay.start("cert-authority,access=\"listen\" {ca}");
        String[] line = Files.readString(relay.certify("forger", relay.key("ca"), "-n", "forger")).strip().split(" ");
        byte[] blob = Base64.getDecoder().decode(line[1]);
        blob[blob.length - 1] ^= 1; // the last byte of the CA's signature: OpenSSH's ssh would not even load it
        PublicKey forged = PublicKeyEntry.parsePublicKeyEntry(line[0] + " " + Base64.getEncoder().encodeToString(blob))
                .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        PrivateKey key = new FileKeyPairProvider(relay.key("forger")).loadKeys(null).iterator().next().getPrivate();
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("forger", "127.0.0.1", relay.port())
                    .verify(RelayFixture.TIMEOUT).getSession()) {
                session.addPublicKeyIdentity(new KeyPair(forged, key));
                assertThrows(SshException.class, () -> session.auth().verify(RelayFixture.TIMEOUT));
            }
        }
        assertEquals(1, relay.server().statistics().certificateRefusals().get(CertificateRefusal.SIGNATURE));
    }

    private void assertCannotListen(String role, String user) throws Exception {
        SshProcess process = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R",
                "22:localhost:" + echo.port(), "-l", user, "relay-" + role));
        assertEquals(255, process.process().exitValue(), process.stderr());
        assertTrue(process.stderr().contains("remote port forwarding failed"), process.stderr());
    }

    private void assertRefused(List<String> command, CertificateRefusal reason, long count) throws Exception {
        SshProcess process = relay.run(command);
        assertEquals(255, process.process().exitValue(), process.stderr());
        assertTrue(process.stderr().contains("Permission denied (publickey)"), process.stderr());
        assertEquals(count, relay.server().statistics().certificateRefusals().get(reason), reason.label());
    }

    private void updateKrl(Path krl, Path ca, String spec) throws Exception {
        Path specFile = relay.dir().resolve("krl-spec");
        Files.writeString(specFile, spec + "\n", StandardCharsets.UTF_8);
        SshKeygen.updateKrl(krl, ca, specFile);
    }

    private int exitOf(List<String> command) {
        try {
            return relay.run(command).process().exitValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
