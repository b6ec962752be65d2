package org.nuttssh.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificateImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.SshKeygen;

/**
 * KRLs written by the real {@code ssh-keygen -k}, read by the relay: each way of revoking (serial, range, a bitmap of
 * serials, key ID, key, key hash, the CA's key), for one CA or any, revokes what it names and nothing else; a damaged
 * file, or one OpenSSH itself refuses to read, refuses every key.
 */
class KrlTest {

    private static final byte[] CA_BLOB = "ca key blob".getBytes(StandardCharsets.UTF_8);

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
        assertRefused(new KrlWriter().anyCaSerials(0).bytes(), "serial 0 revoked");
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_RANGE, range(0, 9)).bytes(), "serial 0");
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_RANGE, range(9, 8)).bytes(),
                "serial range 9-8 runs backwards");
        assertRefused(bitmap(0, BigInteger.ONE), "serial 0 revoked");
        assertRefused(bitmap(-4, BigInteger.valueOf(0b10000)), "runs past the last serial");
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_BITMAP,
                concat(KrlWriter.uint64(1), KrlWriter.string(new byte[] {(byte) 0x80}))).bytes(), "negative");
        assertRefused(bitmap(1, BigInteger.ONE.shiftLeft(KrlParser.MAX_BITMAP_BYTES * 8)),
                "serial bitmap of 2049 bytes (expected: at most 2048");
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_KEY_ID, KrlWriter.strings(new byte[] {'a', 0}))
                .bytes(), "a revoked key ID holds a NUL byte");
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_RANGE, concat(range(1, 2), new byte[1]))
                .bytes(), "1 bytes left over");
        assertRefused(new KrlWriter().section(Krl.SECTION_FINGERPRINT_SHA256, KrlWriter.strings(new byte[5])).bytes(),
                "a hash of 5 bytes (expected: 32)");
        try { // a non-critical extension is skipped
            KrlParser.parse(new KrlWriter().extension("y@example.org", false).bytes());
        } catch (KrlFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whatOpenSshReadsTheRelayReadsAlike() throws Exception {
        // -s none: serials and key IDs of any CA's certificates
        Krl krl = KrlParser.parse(new KrlWriter().anyCaSerials(-1).bytes());
        OpenSshCertificateImpl certificate = new OpenSshCertificateImpl();
        certificate.setId("gw");
        certificate.setSerial(-1);
        assertEquals("serial 18446744073709551615 revoked for any CA in the KRL",
                krl.revokesCertificate(certificate, CA_BLOB).orElseThrow());
        // the widest bitmap: 2048 bytes, and a leading zero so that its top bit is no sign
        BigInteger widest = BigInteger.ONE.shiftLeft(KrlParser.MAX_BITMAP_BYTES * 8 - 1).or(BigInteger.ONE);
        krl = KrlParser.parse(bitmap(1, widest));
        certificate.setSerial(KrlParser.MAX_BITMAP_BYTES * 8L);
        assertTrue(krl.revokesCertificate(certificate, CA_BLOB).isPresent());
        certificate.setSerial(2);
        assertFalse(krl.revokesCertificate(certificate, CA_BLOB).isPresent());
        // a bitmap that ends on the last serial does not run past it
        certificate.setSerial(-1);
        assertTrue(KrlParser.parse(bitmap(-3, BigInteger.valueOf(0b100))).revokesCertificate(certificate, CA_BLOB)
                .isPresent());
    }

    @Test
    void aBitmapWiderThanOpenSshReadsRefusesEveryKeyThere() throws Exception {
        List<String> spec = new ArrayList<>();
        for (int serial = 1; serial < 40_000; serial += 2) {
            spec.add("serial: " + serial); // ssh-keygen writes one bitmap of 40,000 bits, which it cannot read back
        }
        Path key = keygen.key("bystander");
        RevokedKeys revoked = krlOpenSshRefuses(ca, spec, key);
        String refusal = revoked.revocation(SshKeygen.publicKey(key)).orElseThrow();
        assertTrue(refusal.contains("cannot be read") && refusal.contains("(expected: at most 2048"), refusal);
    }

    @Test
    void aKrlBeyondItsLimitsIsRefusedRatherThanHeld() throws Exception {
        Krl everySerial = KrlParser.parse(new KrlWriter()
                .certificates(CA_BLOB, Krl.CERT_SERIAL_RANGE, range(1, -1)).bytes());
        assertTrue(everySerial.describe().contains("(1 serial ranges"), everySerial.describe());

        ByteArrayOutputStream serials = new ByteArrayOutputStream();
        for (long serial = 1; serial <= RevocationList.MAX_ENTRIES; serial++) {
            serials.writeBytes(KrlWriter.uint64(serial * 2)); // a gap between each: nothing merges
        }
        Krl full = KrlParser.parse(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_LIST, serials.toByteArray())
                .bytes());
        assertTrue(full.describe().contains("(262144 serial ranges"), full.describe());
        serials.writeBytes(KrlWriter.uint64(1));
        assertRefused(new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_LIST, serials.toByteArray()).bytes(),
                "more than 262144 revocations (expected: at most 262144 serials,");

        KrlWriter cas = new KrlWriter();
        for (int i = 0; i <= KrlParser.MAX_CERTIFICATE_AUTHORITIES; i++) {
            cas.certificates(("ca " + i).getBytes(StandardCharsets.UTF_8), Krl.CERT_KEY_ID,
                    KrlWriter.strings("gw".getBytes(StandardCharsets.UTF_8)));
        }
        assertRefused(cas.bytes(), "certificates revoked for more than 1024 CAs (expected: at most 1024)");
    }

    @Test
    void aKeyListBeyondTheLimitIsRefusedRatherThanHeld() throws Exception {
        String line = Files.readString(Path.of(ca + ".pub"));
        Path file = dir.resolve("revoked_keys");
        Files.writeString(file, "# the same key again and again\n" + line.repeat(RevocationList.MAX_ENTRIES),
                StandardCharsets.UTF_8);
        RevokedKeys revoked = RevokedKeys.load(file);
        assertRevoked(revoked, SshKeygen.publicKey(ca), "key listed");
        assertEquals(Optional.empty(), revoked.revocation(SshKeygen.publicKey(otherCa)));

        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertFalse(revoked.reloadIfChanged());
        assertTrue(revoked.revocation(SshKeygen.publicKey(otherCa)).orElseThrow()
                .contains("line 262146 is key number 262145 (expected: at most 262144 keys)"));
    }

    @Test
    void aFileOverTheSizeLimitCannotBeReadAndTheLogSaysWhy() throws Exception {
        Path file = dir.resolve("huge.krl");
        try (RandomAccessFile huge = new RandomAccessFile(file.toFile(), "rw")) {
            huge.write(Krl.MAGIC);
            huge.setLength(RevokedKeys.MAX_BYTES + 1L); // sparse: no disk is used for it
        }
        try (LogCapture log = new LogCapture(RevokedKeys.class)) {
            RevokedKeys revoked = RevokedKeys.load(file);
            assertTrue(revoked.revocation(SshKeygen.publicKey(otherCa)).orElseThrow().contains("cannot be read"));
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("ERROR revoked-keys ")
                    && line.contains("huge.krl cannot be read: 67108865 bytes (expected: at most 67108864 bytes")
                    && line.endsWith("public-key login is refused for everyone until it can")), log.lines().toString());
        }
    }

    @Test
    void aSerialOrKeyIdRevokedForAnyCaIsRevokedForEveryCa() throws Exception {
        Path file = dir.resolve("revoked.krl");
        Path spec = dir.resolve("spec");
        Files.writeString(spec, "serial: 42\nserial: 100-110\nid: gw-7\n", StandardCharsets.UTF_8);
        SshKeygen.krlForAnyCa(file, false, spec);
        Files.writeString(spec, "serial: 43\n", StandardCharsets.UTF_8);
        SshKeygen.updateKrl(file, ca, spec);
        RevokedKeys revoked = RevokedKeys.load(file);
        for (Path caKey : new Path[] {ca, otherCa}) {
            assertRevoked(revoked, certificate(caKey, "a", 42), "serial 42 revoked for any CA in the KRL");
            assertRevoked(revoked, certificate(caKey, "b", 105), "serial 105 revoked for any CA");
            assertRevoked(revoked, certificate(caKey, "gw-7", 1), "key ID \"gw-7\" revoked for any CA");
            assertEquals(Optional.empty(), revoked.revocation(certificate(caKey, "c", 111)));
            assertEquals(Optional.empty(), revoked.revocation(certificate(caKey, "d", 0)), "serial 0 never is");
        }
        assertRevoked(revoked, certificate(ca, "e", 43), "serial 43 revoked in the KRL");
        assertEquals(Optional.empty(), revoked.revocation(certificate(otherCa, "e", 43)), "only for its CA");
    }

    private static void assertRefused(byte[] krl, String message) {
        try {
            KrlParser.parse(krl);
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

    /** A KRL ssh-keygen writes from {@code spec} but, asked about {@code key}, cannot read; nor may the relay. */
    private RevokedKeys krlOpenSshRefuses(Path caKey, List<String> spec, Path key) throws Exception {
        Path specFile = dir.resolve("spec");
        Files.writeString(specFile, String.join("\n", spec) + "\n", StandardCharsets.UTF_8);
        Path file = dir.resolve("revoked.krl");
        SshKeygen.krl(file, caKey, specFile);
        assertTrue(SshKeygen.refusedBy(file, Path.of(key + ".pub")), "ssh-keygen -Q reads it after all");
        return RevokedKeys.load(file);
    }

    private static byte[] bitmap(long offset, BigInteger bits) {
        return new KrlWriter().certificates(CA_BLOB, Krl.CERT_SERIAL_BITMAP,
                concat(KrlWriter.uint64(offset), KrlWriter.string(KrlWriter.mpint(bits)))).bytes();
    }

    private static byte[] range(long first, long last) {
        return concat(KrlWriter.uint64(first), KrlWriter.uint64(last));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
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
