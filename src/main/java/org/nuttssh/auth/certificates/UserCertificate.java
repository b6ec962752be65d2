package org.nuttssh.auth.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * What the relay shows of the OpenSSH certificate a client logged in with.
 *
 * @param keyId         the key ID given by {@code ssh-keygen -I}, as the client sent it (escape it to print)
 * @param serial        the serial given by {@code ssh-keygen -z}, an unsigned 64-bit number
 * @param caFingerprint of the CA key that signed it
 * @param validBefore   when it expires, or null when it never does (OpenSSH's "forever", or past what an Instant holds)
 * @param forwarding    whether it has the {@code permit-port-forwarding} extension
 */
public record UserCertificate(String keyId, long serial, String caFingerprint, Instant validBefore,
                              boolean forwarding) {

    /** The extension without which OpenSSH allows no port forwarding; ssh-keygen adds it by default. */
    static final String PERMIT_PORT_FORWARDING = "permit-port-forwarding";
    /**
     * Validity times are unsigned 64-bit seconds; OpenSSH writes "forever" as the largest, and ssh-keygen -V takes
     * any in hex. Those past the last second an Instant holds (the year 1000000000) are shown in that hex.
     */
    private static final long LAST_INSTANT_SECOND = Instant.MAX.getEpochSecond();
    /** The longest delay a scheduler can wait (its clock counts nanoseconds in a long): about 292 years. */
    private static final Duration LONGEST_TIMER = Duration.ofNanos(Long.MAX_VALUE);

    public static UserCertificate of(OpenSshCertificate certificate) {
        return new UserCertificate(certificate.getId(), certificate.getSerial(),
                KeyUtils.getFingerPrint(certificate.getCaPubKey()), instant(certificate.getValidBefore()),
                certificate.getExtensionsMap().containsKey(PERMIT_PORT_FORWARDING));
    }

    /**
     * How long after {@code now} it expires: zero if it has, empty if it never does or not before a timer started
     * now could fire.
     */
    public Optional<Duration> timeLeft(Instant now) {
        if (validBefore == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, validBefore);
        if (left.compareTo(LONGEST_TIMER) > 0) {
            return Optional.empty();
        }
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /** A validity time for people: the instant, "forever", or the hex number ssh-keygen -V takes for it. */
    static String describeTime(long seconds) {
        Instant instant = instant(seconds);
        if (instant != null) {
            return instant.toString();
        }
        return seconds == -1 ? "forever" : "0x" + Long.toHexString(seconds);
    }

    /** {@code seconds} (unsigned) after the epoch, or null when an Instant cannot hold it. */
    private static Instant instant(long seconds) {
        return Long.compareUnsigned(seconds, LAST_INSTANT_SECOND) > 0 ? null : Instant.ofEpochSecond(seconds);
    }

    /** For logs and tables: {@code id "gw-0042" serial 42 ca SHA256:...}. */
    public String describe() {
        return "id \"" + keyId + "\" serial " + Long.toUnsignedString(serial) + " ca " + caFingerprint;
    }
}
