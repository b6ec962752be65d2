package org.nuttssh.auth.certificates;

import java.time.Instant;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * What the relay shows of the OpenSSH certificate a client logged in with.
 *
 * @param keyId         the key ID given by {@code ssh-keygen -I}, as the client sent it (escape it to print)
 * @param serial        the serial given by {@code ssh-keygen -z}, an unsigned 64-bit number
 * @param caFingerprint of the CA key that signed it
 * @param validBefore   when it expires, or null when it never does
 * @param forwarding    whether it has the {@code permit-port-forwarding} extension
 */
public record UserCertificate(String keyId, long serial, String caFingerprint, Instant validBefore,
                              boolean forwarding) {

    /** The extension without which OpenSSH allows no port forwarding; ssh-keygen adds it by default. */
    static final String PERMIT_PORT_FORWARDING = "permit-port-forwarding";
    /** OpenSSH writes "forever" as the largest unsigned 64-bit number, beyond what an Instant holds. */
    private static final long LAST_INSTANT_SECOND = Instant.MAX.getEpochSecond();

    public static UserCertificate of(OpenSshCertificate certificate) {
        long before = certificate.getValidBefore();
        Instant expiry = Long.compareUnsigned(before, LAST_INSTANT_SECOND) > 0 ? null : Instant.ofEpochSecond(before);
        return new UserCertificate(certificate.getId(), certificate.getSerial(),
                KeyUtils.getFingerPrint(certificate.getCaPubKey()), expiry,
                certificate.getExtensionsMap().containsKey(PERMIT_PORT_FORWARDING));
    }

    /** For logs and tables: {@code id "gw-0042" serial 42 ca SHA256:...}. */
    public String describe() {
        return "id \"" + keyId + "\" serial " + Long.toUnsignedString(serial) + " ca " + caFingerprint;
    }
}
