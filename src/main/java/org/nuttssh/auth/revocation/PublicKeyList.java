package org.nuttssh.auth.revocation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * A revoked-keys file in OpenSSH's other format: public keys, one a line, as in a {@code .pub} file. A listed
 * certificate revokes its key; comments and blank lines are skipped. Keys are kept as digests of their blobs, at
 * most {@link RevocationList#MAX_ENTRIES} of them.
 */
final class PublicKeyList implements RevocationList {

    private final DigestSet blobs;

    private PublicKeyList(DigestSet blobs) {
        this.blobs = blobs;
    }

    /**
     * Reads the file a line at a time, never the whole of it as text.
     *
     * @throws IllegalArgumentException naming the first line that is not a public key, or the one past the limit
     */
    static PublicKeyList parse(byte[] file) {
        DigestSet.Builder blobs = new DigestSet.Builder();
        int keys = 0;
        int lineNumber = 0;
        int start = 0;
        while (start < file.length) {
            int end = start;
            while (end < file.length && file[end] != '\n') {
                end++;
            }
            lineNumber++;
            String line = new String(file, start, end - start, StandardCharsets.UTF_8).strip();
            start = end + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (++keys > MAX_ENTRIES) {
                throw new IllegalArgumentException("line " + lineNumber + " is key number " + keys
                        + " (expected: at most " + MAX_ENTRIES + " keys)");
            }
            blobs.add(RevocationList.blobOf(key(line, lineNumber)));
        }
        return new PublicKeyList(blobs.build());
    }

    private static PublicKey key(String line, int lineNumber) {
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null,
                    PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("line " + lineNumber + " is not a public key (" + e.getMessage()
                    + ")");
        }
        return key instanceof OpenSshCertificate certificate ? certificate.getCertPubKey() : key;
    }

    @Override
    public Optional<String> revokesKey(byte[] plainKeyBlob) {
        return blobs.contains(plainKeyBlob) ? Optional.of("listed") : Optional.empty();
    }

    @Override
    public Optional<String> revokesCertificate(OpenSshCertificate certificate, byte[] caKeyBlob) {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return blobs.size() + (blobs.size() == 1 ? " public key" : " public keys");
    }
}
