package org.nuttssh.auth.revocation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * A revoked-keys file in OpenSSH's other format: public keys, one a line, as in a {@code .pub} file. A listed
 * certificate revokes its key; comments and blank lines are skipped.
 */
final class PublicKeyList implements RevocationList {

    private final Set<String> blobs;

    private PublicKeyList(Set<String> blobs) {
        this.blobs = blobs;
    }

    /** @throws IllegalArgumentException naming the first line that is not a public key */
    static PublicKeyList parse(String text) {
        Set<String> blobs = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            PublicKey key;
            try {
                key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null,
                        PublicKeyEntryResolver.FAILING);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a public key (" + e.getMessage()
                        + ")");
            }
            if (key instanceof OpenSshCertificate certificate) {
                key = certificate.getCertPubKey();
            }
            blobs.add(HexFormat.of().formatHex(RevocationList.blobOf(key)));
        }
        return new PublicKeyList(Set.copyOf(blobs));
    }

    @Override
    public Optional<String> revokesKey(byte[] plainKeyBlob) {
        return blobs.contains(HexFormat.of().formatHex(plainKeyBlob)) ? Optional.of("listed") : Optional.empty();
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
