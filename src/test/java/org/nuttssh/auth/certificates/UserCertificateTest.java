package org.nuttssh.auth.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificateImpl;
import org.junit.jupiter.api.Test;
import org.nuttssh.testing.KeyPairs;

/**
 * The expiry timer's view of a certificate's {@code valid before}, an unsigned 64-bit second count: exact for
 * every expiry a timer can wait for, none for "forever" and for times further away, at once for one past.
 */
class UserCertificateTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00.250Z");

    @Test
    void aNormalExpiryIsTimedToItsSecond() {
        assertEquals(Optional.of(Duration.ofMillis(5750)), expiringAt(NOW.getEpochSecond() + 6).timeLeft(NOW));
        assertEquals(Instant.parse("2026-05-01T12:00:06Z"), expiringAt(NOW.getEpochSecond() + 6).validBefore());
    }

    @Test
    void anExpiryPastIsDueAtOnce() {
        assertEquals(Optional.of(Duration.ZERO), expiringAt(0).timeLeft(NOW));
        assertEquals(Optional.of(Duration.ZERO), expiringAt(NOW.getEpochSecond()).timeLeft(NOW));
        assertEquals(Instant.EPOCH, expiringAt(0).validBefore());
    }

    @Test
    void expiriesNoTimerCanWaitForAreNeverDue() {
        long lastTimedSecond = NOW.plusNanos(Long.MAX_VALUE).getEpochSecond(); // 292 years on
        assertEquals(Optional.of(Duration.between(NOW, Instant.ofEpochSecond(lastTimedSecond))),
                expiringAt(lastTimedSecond).timeLeft(NOW));
        for (long far : new long[] {lastTimedSecond + 1, 0x0030000000000000L, Instant.MAX.getEpochSecond(),
                Long.MAX_VALUE, Long.MIN_VALUE, 0xfffffffffffffffeL, -1}) {
            assertEquals(Optional.empty(), expiringAt(far).timeLeft(NOW), Long.toHexString(far));
        }
        assertEquals(Instant.MAX.getEpochSecond(), expiringAt(Instant.MAX.getEpochSecond()).validBefore()
                .getEpochSecond());
        assertNull(expiringAt(Long.MAX_VALUE).validBefore());
        assertNull(expiringAt(-1).validBefore());
    }

    @Test
    void validityTimesAreShownAsSshKeygenTakesThem() {
        assertEquals("1970-01-01T00:00:00Z", UserCertificate.describeTime(0));
        assertEquals("forever", UserCertificate.describeTime(-1));
        assertEquals("0x7fffffffffffffff", UserCertificate.describeTime(Long.MAX_VALUE));
        assertEquals("0x8000000000000000", UserCertificate.describeTime(Long.MIN_VALUE));
        assertEquals("0xfffffffffffffffe", UserCertificate.describeTime(-2));
    }

    private static UserCertificate expiringAt(long validBefore) {
        OpenSshCertificateImpl certificate = new OpenSshCertificateImpl();
        certificate.setCaPubKey(KeyPairs.ed25519().getPublic());
        certificate.setValidAfter(0);
        certificate.setValidBefore(validBefore);
        return UserCertificate.of(certificate);
    }
}
