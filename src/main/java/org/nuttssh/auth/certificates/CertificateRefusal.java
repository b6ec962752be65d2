package org.nuttssh.auth.certificates;

import java.util.Locale;

/** Why a certificate was refused at login, as the metrics count it. */
public enum CertificateRefusal {
    /** No cert-authority line holds the key that signed it. */
    UNTRUSTED_CA,
    /** The CA's signature does not verify (a forged or corrupted certificate). */
    SIGNATURE,
    /** A host certificate offered as a user certificate. */
    HOST_CERTIFICATE,
    /** Outside its validity window: expired or not yet valid. */
    VALIDITY,
    /** It names no principal, so it could stand for anyone (OpenSSH 10.3 refuses these too). */
    NO_PRINCIPALS,
    /** The user name (or the line's principals=) is not among its principals. */
    PRINCIPAL,
    /** A critical option the relay cannot honour: force-command, verify-required or an unknown one. */
    CRITICAL_OPTION,
    /** Its source-address critical option does not match the client's address. */
    SOURCE_ADDRESS,
    /** The cert-authority line's from= does not match the client. */
    FROM,
    /** Listed in the revoked-keys file (by serial, key ID, its key or its CA's key), or that file is unreadable. */
    REVOKED;

    /** As the metrics tag it: {@code untrusted-ca}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
