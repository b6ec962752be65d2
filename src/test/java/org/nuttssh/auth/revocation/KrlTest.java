package org.nuttssh.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.testing.SshKeygen;

/**
 * KRLs written by the real {@code ssh-keygen -k}, read by the relay: each way of revoking (serial, range, a bitmap of
 * serials, key ID, key, key hash, the CA's key) revokes what it names and nothing else; a damaged file, or one in a
 * format OpenSSH itself refuses, refuses every key.
 */
class KrlTest {

    @TempDir
    Path dir;
    private SshKeygen keygen;
    private Path ca;
    private Path otherCa;

    @BeforeEach
    void keys() throws Exception {
        keygen = new SshKeygen(dir);
        ca = keygen.key("ca");
        otherCa = keygen.key("other-ca");
    }

    @Test
    void serialsRangesAndBitmapsRevokeOnlyTheirSerialsOfTheirCa() throws Exception {
        List<String> spec = new ArrayList<>(List.of("serial: 7", "serial: 100-200"));
        for (int serial = 1000; serial <= 1100; serial += 2) {
            spec.add("serial: " + serial); // dense enough for ssh-keygen to write a bitmap
        }
        RevokedKeys revoked = krl(ca, spec);
        assertRevoked(revoked, certificate(ca, "a", 7), "serial 7 revoked in the KRL");
        assertRevoked(revoked, certificate(ca, "b", 150), "serial 150");
        assertRevoked(revoked, certificate(ca, "c", 1004), "serial 1004");
        for (long kept : new long[] {8, 99, 201, 1003, 1101}) {
            assertEquals(Optional.empty(), revoked.revocation(certificate(ca, "d", kept)), "serial " + kept);
        }
        assertEquals(Optional.empty(), revoked.revocation(certificate(otherCa, "e", 7)), "another CA's serial 7");
    }

    @Test
    void keyIdsKeysAndHashesAreRevoked() throws Exception {
        Path device = keygen.key("device");
        Path laptop = keygen.key("laptop");
        RevokedKeys revoked = krl(ca, List.of("id: gw-0042",
                "key: " + Files.readString(Path.of(device + ".pub")).strip(),
                "hash: " + SshKeygen.fingerprint(laptop)));
        assertRevoked(revoked, certificate(ca, "gw-0042", 1), "key ID \"gw-0042\" revoked");
        assertEquals(Optional.empty(), revoked.revocation(certificate(ca, "gw-0043", 2)));
        assertRevoked(revoked, SshKeygen.publicKey(device), "key listed in the KRL");
        assertRevoked(revoked, certificateOf(device, ca, "x", 3), "its key listed in the KRL");
        assertRevoked(revoked, SshKeygen.publicKey(laptop), "its hash is listed");
        assertEquals(Optional.empty(), revoked.revocation(SshKeygen.publicKey(ca)));
    }

    @Test
    void aRevokedCaKeyRevokesEveryCertificateItSigned() throws Exception {
        RevokedKeys revoked = krl(null, List.of("key: " + Files.readString(Path.of(ca + ".pub")).strip()));
        assertRevoked(revoked, certificate(ca, "any", 12), "its CA key listed in the KRL");
        assertEquals(Optional.empty(), revoked.revocation(certificate(otherCa, "any", 12)));
    }

    @Test
    void aDamagedKrlRefusesEveryKey() throws Exception {
        Path file = dir.resolve("revoked.krl");
        SshKeygen.krl(file, null, Path.of(ca + ".pub"));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 3));
        RevokedKeys revoked = RevokedKeys.load(file);
        assertTrue(revoked.revocation(SshKeygen.publicKey(otherCa)).orElseThrow().contains("cannot be read"));

        Files.write(file, whole);
        assertTrue(revoked.reloadIfChanged());
        assertEquals(Optional.empty(), revoked.revocation(SshKeygen.publicKey(otherCa)));
    }

    @Test
    void theParserRefusesWhatOpenSshRefuses() {
        assertRefused(new KrlWriter().section(Krl.SECTION_SIGNATURE, new byte[0]).bytes(), "signature sections");
        assertRefused(new KrlWriter().section(42, new byte[0]).bytes(), "unknown KRL section type 42");
        assertRefused(new KrlWriter().extension("x@example.org", true).bytes(), "critical KRL extension");
        assertRefused(new KrlWriter().version(2).bytes(), "KRL format version 2 (expected: 1)");
        assertRefused(new KrlWriter().anyCaSerials(5).bytes(), "serials revoked without a CA key");
        assertRefused(new KrlWriter().section(Krl.SECTION_FINGERPRINT_SHA256, KrlWriter.strings(new byte[5])).bytes(),
                "a hash of 5 bytes (expected: 32)");
        try { // a non-critical extension is skipped
            Krl.parse(new KrlWriter().extension("y@example.org", false).bytes());
        } catch (KrlFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRefused(byte[] krl, String message) {
        try {
            Krl.parse(krl);
        } catch (KrlFormatException e) {
            assertTrue(e.getMessage().contains(message), e.getMessage());
            return;
        }
        throw new AssertionError("accepted: " + message);
    }

    private static void assertRevoked(RevokedKeys revoked, PublicKey key, String why) {
        Optional<String> reason = revoked.revocation(key);
        assertTrue(reason.isPresent() && reason.get().contains(why), reason + " should contain " + why);
    }

    private RevokedKeys krl(Path caKey, List<String> spec) throws Exception {
        Path specFile = dir.resolve("spec");
        Files.writeString(specFile, String.join("\n", spec) + "\n", StandardCharsets.UTF_8);
        Path file = dir.resolve("revoked.krl");
        SshKeygen.krl(file, caKey, specFile);
        RevokedKeys revoked = RevokedKeys.load(file);
        assertFalse(revoked.revocation(SshKeygen.publicKey(otherCa)).map(r -> r.contains("cannot be read"))
                .orElse(false));
        return revoked;
    }

    private PublicKey certificate(Path caKey, String id, long serial) throws Exception {
        return certificateOf(keygen.key("subject-" + id + "-" + serial), caKey, id, serial);
    }

    private PublicKey certificateOf(Path key, Path caKey, String id, long serial) throws Exception {
        return SshKeygen.certificate(key, caKey, id, "-n", id, "-z", String.valueOf(serial));
    }
}
