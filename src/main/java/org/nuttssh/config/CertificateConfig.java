package org.nuttssh.config;

import java.nio.file.Path;

/**
 * OpenSSH certificates: the revocation list for client keys and certificates, what happens when a connected client's
 * certificate expires, and the relay's own host certificate.
 *
 * @param revokedKeys            a KRL or a list of public keys (OpenSSH's RevokedKeys), or null for none
 * @param disconnectExpired      disconnect a client when its certificate's validity ends (OpenSSH does not)
 * @param hostCertificate        the host key's certificate ({@code ssh-keygen -s CA -h}), or null for none
 */
public record CertificateConfig(Path revokedKeys, boolean disconnectExpired, Path hostCertificate) {

    /** No revocation list, no host certificate, expired certificates disconnected. */
    public static final CertificateConfig DEFAULT = new CertificateConfig(null, true, null);
}
