package org.nuttssh.auth.revocation;

import java.security.PublicKey;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/** One reading of a revoked-keys file: a KRL or a list of public keys. */
interface RevocationList {

    /**
     * Revocations one file may hold: in a KRL serials, serial ranges, runs of set bits in serial bitmaps, key IDs,
     * keys and key hashes; in a list, keys; duplicates included. Each costs at most 56 bytes of heap once read (a
     * SHA-256 in a sorted array, or a range of two longs), so the largest list holds some 15 MB, twice while a
     * reload replaces it, well within the default 256 MB max-memory. ssh-keygen packs serials into ranges and
     * bitmaps, so that is still a quarter of a million keys or key IDs revoked one by one.
     */
    int MAX_ENTRIES = 1 << 18;

    /** Why {@code plainKey} (a key, not a certificate) is revoked, or empty if it is not. */
    Optional<String> revokesKey(byte[] plainKeyBlob);

    /** Why {@code certificate} is revoked as a certificate (serial, key ID), or empty; its keys are asked apart. */
    Optional<String> revokesCertificate(OpenSshCertificate certificate, byte[] caKeyBlob);

    /** The SSH wire form of a plain public key, which KRLs list and hash. */
    static byte[] blobOf(PublicKey key) {
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return buffer.getCompactData();
    }

    /** For the log line after a reload: {@code "a KRL with 3 serials..."}. */
    String describe();
}
