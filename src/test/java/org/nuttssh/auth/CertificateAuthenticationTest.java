package org.nuttssh.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Set;

import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.testing.FakeSession;
import org.nuttssh.testing.SshKeygen;

/**
 * The authenticator's side of certificates, in-process with certificates from {@code ssh-keygen}: what the real
 * OpenSSH client never sends (a host certificate as a user's), which lines admit certificates and which keys, and
 * {@code source-address} judged against the client address the relay uses for {@code from=}, validity as sshd judges
 * it.
 */
class CertificateAuthenticationTest {

    @TempDir
    Path dir;
    private SshKeygen keygen;
    private Path ca;
    private Path device;

    @BeforeEach
    void keys() throws Exception {
        keygen = new SshKeygen(dir);
        ca = keygen.key("ca");
        device = keygen.key("device");
    }

    @Test
    void aHostCertificateIsNoUserCertificate() throws Exception {
        KeyAuthenticator authenticator = authenticator(RevokedKeys.load(null), "cert-authority,access=\"listen\" {ca}");
        PublicKey host = SshKeygen.certificate(device, ca, "gw", "-h", "-n", "gw");
        assertFalse(authenticator.authenticate("gw", host, FakeSession.from("127.0.0.1", 1)));
        assertEquals(1, authenticator.certificateRefusals().get(CertificateRefusal.HOST_CERTIFICATE));
    }

    @Test
    void certificatesNeedACertAuthorityLineAndACaKeyIsNoLoginKey() throws Exception {
        KeyAuthenticator authenticator = authenticator(RevokedKeys.load(null), "access=\"listen\" {device}",
                "cert-authority,access=\"listen\" {ca}");
        PublicKey foreign = SshKeygen.certificate(device, keygen.key("other-ca"), "gw", "-n", "gw");
        assertFalse(authenticator.authenticate("gw", foreign, session()), "its key's own line admits no certificate");
        assertEquals(1, authenticator.certificateRefusals().get(CertificateRefusal.UNTRUSTED_CA));
        assertFalse(authenticator.authenticate("gw", SshKeygen.publicKey(ca), session()), "a CA key is no login key");
        assertTrue(authenticator.authenticate("gw", SshKeygen.publicKey(device), session()));
        assertTrue(authenticator.authenticate("gw", SshKeygen.certificate(device, ca, "gw", "-n", "gw"), session()));
    }

    @Test
    void sourceAddressIsMatchedAgainstTheClientAddress() throws Exception {
        KeyAuthenticator authenticator = authenticator(RevokedKeys.load(null), "cert-authority,access=\"listen\" {ca}");
        PublicKey certificate = SshKeygen.certificate(device, ca, "gw", "-n", "gw", "-O", "source-address=10.1.0.0/16");
        assertTrue(authenticator.authenticate("gw", certificate, FakeSession.from("10.1.2.3", 1)));
        assertFalse(authenticator.authenticate("gw", certificate, FakeSession.from("10.2.0.1", 1)));
        assertEquals(1, authenticator.certificateRefusals().get(CertificateRefusal.SOURCE_ADDRESS));
    }

    @Test
    void withoutPermitPortForwardingOnlyAdminIsLeft() throws Exception {
        KeyAuthenticator authenticator = authenticator(RevokedKeys.load(null),
                "cert-authority,access=\"listen,initiate,admin\" {ca}");
        ServerSession session = session();
        assertTrue(authenticator.authenticate("gw",
                SshKeygen.certificate(device, ca, "gw", "-n", "gw", "-O", "no-port-forwarding"), session));
        assertEquals(Set.of(Access.ADMIN), session.getAttribute(KeyAuthenticator.AUTHORIZED_KEY).access());
        assertFalse(session.getAttribute(KeyAuthenticator.CERTIFICATE).forwarding());
    }

    @Test
    void aRevokedCertificateIsRefusedAndARecheckSaysRevoked() throws Exception {
        Path revokedFile = dir.resolve("revoked_keys");
        Files.writeString(revokedFile, "", StandardCharsets.UTF_8);
        RevokedKeys revoked = RevokedKeys.load(revokedFile);
        KeyAuthenticator authenticator = authenticator(revoked, "cert-authority,access=\"listen\" {ca}");
        // A re-check judges the session's own user name, which the fake session calls "user".
        PublicKey certificate = SshKeygen.certificate(device, ca, "gw", "-n", "user");
        ServerSession session = session();
        assertTrue(authenticator.authenticate("user", certificate, session));
        assertTrue(authenticator.admits(session, certificate).admitted());

        Files.writeString(revokedFile, Files.readString(Path.of(device + ".pub")), StandardCharsets.UTF_8);
        assertTrue(revoked.reloadIfChanged());
        Admission admission = authenticator.admits(session, certificate);
        assertTrue(!admission.admitted() && admission.revoked(), admission.toString());
        assertFalse(authenticator.authenticate("user", certificate, session()));
        assertEquals(1, authenticator.certificateRefusals().get(CertificateRefusal.REVOKED));

        // Unreadable: new logins refused, the session judged by what the file last held.
        Files.writeString(revokedFile, "not a key\n", StandardCharsets.UTF_8);
        assertFalse(revoked.reloadIfChanged());
        PublicKey other = SshKeygen.certificate(keygen.key("other"), ca, "other", "-n", "user");
        assertFalse(authenticator.authenticate("user", other, session()));
        ServerSession otherSession = session();
        Files.writeString(revokedFile, "", StandardCharsets.UTF_8);
        assertTrue(revoked.reloadIfChanged());
        assertTrue(authenticator.authenticate("user", other, otherSession));
        Files.delete(revokedFile);
        assertFalse(revoked.reloadIfChanged());
        assertTrue(authenticator.admits(otherSession, other).admitted(), "still admitted by the last list read");
    }

    /**
     * Validity is two unsigned 64-bit second counts, and every pair {@code ssh-keygen -V} writes is judged as sshd
     * judges it: up to "forever" (2^64 - 1), and past what Java's {@code Instant} holds.
     */
    @ParameterizedTest(name = "-V {0}: valid {1}")
    @CsvSource({
        "always:forever, true",
        "20200101:0x7ffffffffffffff0, true",
        "always:0x7fffffffffffffff, true", // Long.MAX_VALUE
        "-1m:0x8000000000000000, true", // 2^63, negative as a long
        "always:0xfffffffffffffffe, true",
        "-1m:0x0030000000000000, true", // an Instant, but more milliseconds away than a long holds
        "-1m:0x7fffffffffffff, true",
        "always:0x1, false", // one second after the epoch
        "0x7ffffffffffffff0:forever, false", // not yet valid, for a long while
        "0x8000000000000000:forever, false",
        "0xfffffffffffffffe:forever, false",
    })
    void everyValidityIsJudgedAsSshdJudgesIt(String validity, boolean valid) throws Exception {
        KeyAuthenticator authenticator = authenticator(RevokedKeys.load(null), "cert-authority,access=\"listen\" {ca}");
        PublicKey certificate = SshKeygen.certificate(device, ca, "gw", "-n", "gw", "-V", validity);
        assertEquals(valid, authenticator.authenticate("gw", certificate, session()));
        assertEquals(valid ? 0 : 1, authenticator.certificateRefusals().get(CertificateRefusal.VALIDITY));
    }

    private static ServerSession session() {
        return FakeSession.from("127.0.0.1", 1);
    }

    /** An authenticator for authorized_keys {@code lines}, in which {@code {NAME}} stands for that key's .pub line. */
    private KeyAuthenticator authenticator(RevokedKeys revoked, String... lines) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.replace("{ca}", Files.readString(Path.of(ca + ".pub")).strip())
                    .replace("{device}", Files.readString(Path.of(device + ".pub")).strip())).append('\n');
        }
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return new KeyAuthenticator(AuthorizedKeys.load(file), revoked, false, null);
    }
}
