package org.nuttssh.auth.revocation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.nuttssh.auth.revocation.DigestSet.Digest;

/**
 * An OpenSSH key revocation list, as {@code ssh-keygen -k} writes it (OpenSSH's PROTOCOL.krl): certificates revoked
 * by serial (lists, ranges, bitmaps) or key ID, per CA or for any CA ({@code -s none}), and plain keys revoked by
 * their blob or its SHA-1 or SHA-256 hash. Verdicts are those of OpenSSH's krl.c: a certificate is revoked by its
 * CA's section or the any-CA one, and serial 0 never by serial (it is what a CA that gives none writes).
 * {@link KrlParser} reads one.
 */
final class Krl implements RevocationList {

    /** "SSHKRL\n\0". */
    static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.ISO_8859_1);
    static final int FORMAT_VERSION = 1;

    static final int SECTION_CERTIFICATES = 1;
    static final int SECTION_EXPLICIT_KEY = 2;
    static final int SECTION_FINGERPRINT_SHA1 = 3;
    static final int SECTION_SIGNATURE = 4;
    static final int SECTION_FINGERPRINT_SHA256 = 5;
    static final int SECTION_EXTENSION = 255;
    static final int CERT_SERIAL_LIST = 0x20;
    static final int CERT_SERIAL_RANGE = 0x21;
    static final int CERT_SERIAL_BITMAP = 0x22;
    static final int CERT_KEY_ID = 0x23;
    static final int CERT_EXTENSION = 0x39;

    /** The CA key of a certificates section for any CA: none, an empty string. */
    static final Digest ANY_CA = Digest.of(new byte[0]);

    private final Map<Digest, CertificateRevocations> certificates;
    private final DigestSet keys;
    private final DigestSet sha1s;
    private final DigestSet sha256s;

    /** @param certificates by the SHA-256 of their CA's key blob, {@link #ANY_CA} for any CA */
    Krl(Map<Digest, CertificateRevocations> certificates, DigestSet keys, DigestSet sha1s, DigestSet sha256s) {
        this.certificates = Map.copyOf(certificates);
        this.keys = keys;
        this.sha1s = sha1s;
        this.sha256s = sha256s;
    }

    static boolean looksLikeKrl(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    @Override
    public Optional<String> revokesKey(byte[] plainKeyBlob) {
        if (keys.contains(plainKeyBlob)) {
            return Optional.of("listed in the KRL");
        }
        if (sha1s.contains(DigestSet.hash("SHA-1", plainKeyBlob))
                || sha256s.contains(DigestSet.hash("SHA-256", plainKeyBlob))) {
            return Optional.of("its hash is listed in the KRL");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> revokesCertificate(OpenSshCertificate certificate, byte[] caKeyBlob) {
        for (Digest ca : List.of(Digest.of(caKeyBlob), ANY_CA)) {
            CertificateRevocations revocations = certificates.get(ca);
            Optional<String> why = revocations == null ? Optional.empty() : revocations.revokes(certificate);
            if (why.isPresent()) {
                return Optional.of(why.get() + (ca.equals(ANY_CA) ? " for any CA" : "") + " in the KRL");
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        int ranges = certificates.values().stream().mapToInt(c -> c.serials().ranges()).sum();
        int ids = certificates.values().stream().mapToInt(c -> c.keyIds().size()).sum();
        return "a KRL with certificates revoked for " + certificates.size() + " CAs (" + ranges + " serial ranges, "
                + ids + " key IDs), " + keys.size() + " keys and " + (sha1s.size() + sha256s.size()) + " key hashes";
    }
}
