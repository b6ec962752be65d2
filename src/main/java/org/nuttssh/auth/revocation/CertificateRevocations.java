package org.nuttssh.auth.revocation;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** What a KRL revokes of the certificates of one CA, or of any CA: serials and key IDs. */
record CertificateRevocations(SerialSet serials, DigestSet keyIds) {

    /** Why {@code certificate} is revoked, or empty; serial 0 never is by serial, as in OpenSSH. */
    Optional<String> revokes(OpenSshCertificate certificate) {
        if (keyIds.contains(certificate.getId().getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("key ID \"" + certificate.getId() + "\" revoked");
        }
        long serial = certificate.getSerial();
        if (serial != 0 && serials.contains(serial)) {
            return Optional.of("serial " + Long.toUnsignedString(serial) + " revoked");
        }
        return Optional.empty();
    }

    static final class Builder {

        private final SerialSet.Builder serials = new SerialSet.Builder();
        private final DigestSet.Builder keyIds = new DigestSet.Builder();

        /** @see SerialSet.Builder#add */
        void serials(long first, long last) {
            serials.add(first, last);
        }

        /**
         * A key ID as the KRL holds it. MINA reads a certificate's key ID as UTF-8, so the KRL's is read the same
         * way: the two compare as the strings OpenSSH compares.
         */
        void keyId(byte[] keyId) {
            keyIds.add(new String(keyId, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }

        CertificateRevocations build() {
            return new CertificateRevocations(serials.build(), keyIds.build());
        }
    }
}
