package org.nuttssh.auth;

import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** One reading of a revoked-keys file: a KRL or a list of public keys. */
interface RevocationList {

    /** Why {@code plainKey} (a key, not a certificate) is revoked, or empty if it is not. */
    Optional<String> revokesKey(byte[] plainKeyBlob);

    /** Why {@code certificate} is revoked as a certificate (serial, key ID), or empty; its keys are asked apart. */
    Optional<String> revokesCertificate(OpenSshCertificate certificate, byte[] caKeyBlob);

    /** For the log line after a reload: {@code "a KRL with 3 serials..."}. */
    String describe();
}
