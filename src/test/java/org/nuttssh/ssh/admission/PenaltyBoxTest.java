package org.nuttssh.ssh.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/** Penalties accrue, run down, start above min, stop at max, and the table forgets the soonest-ending first. */
class PenaltyBoxTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Duration FIVE = Duration.ofSeconds(5);
    private static final CidrBlock A = source("192.0.2.1");
    private static final CidrBlock B = source("2001:db8::1");

    /** OpenSSH's defaults: 15 s before a source is refused, 10 minutes at most. */
    private final PenaltyBox box = new PenaltyBox(Duration.ofSeconds(15), Duration.ofMinutes(10), 100);

    private static CidrBlock source(String address) {
        return CidrBlock.sourceOf(IpAddress.parse(address).orElseThrow());
    }

    @Test
    void offencesAccrueUntilThePenaltyExceedsMinThenTheSourceIsRefusedUntilItRunsOut() {
        assertEquals(Optional.empty(), box.penalise(A, FIVE, 0));
        assertEquals(Optional.empty(), box.penalise(A, FIVE, SECOND));
        assertEquals(Optional.empty(), box.penalise(A, FIVE, 2 * SECOND), "15 s accrued, 13 s left: not above min");
        assertEquals(Optional.empty(), box.refusal(A, 2 * SECOND), "offences alone refuse nothing yet");

        assertEquals(Optional.of(Duration.ofSeconds(17)), box.penalise(A, FIVE, 3 * SECOND), "20 s accrued, 17 left");
        assertEquals(Optional.of(Duration.ofSeconds(17)), box.refusal(A, 3 * SECOND));
        assertEquals(Optional.of(Duration.ofSeconds(1)), box.refusal(A, 19 * SECOND), "running down");
        assertEquals(1, box.active(19 * SECOND));
        assertEquals(Optional.empty(), box.refusal(A, 20 * SECOND), "run out");
        assertEquals(0, box.active(20 * SECOND));
        assertEquals(0, box.size(), "and forgotten");
    }

    @Test
    void offencesSpacedWiderThanTheirTimeNeverAccrue() {
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.empty(), box.penalise(A, FIVE, i * 6 * SECOND), "a device retrying every 6 s");
        }
        assertEquals(Optional.empty(), box.refusal(A, 600 * SECOND));
    }

    @Test
    void aPenaltyGrowsWithMoreOffencesUpToMaxAndStartsOnce() {
        for (int i = 0; i < 3; i++) {
            box.penalise(A, FIVE, 0);
        }
        assertTrue(box.penalise(A, FIVE, 0).isPresent());
        for (int i = 0; i < 1000; i++) {
            assertEquals(Optional.empty(), box.penalise(A, FIVE, 0), "an active penalty starts no second time");
        }
        assertEquals(Optional.of(Duration.ofMinutes(10)), box.refusal(A, 0), "5000 s accrued, capped at max");
    }

    @Test
    void sourcesArePenalisedApart() {
        for (int i = 0; i < 4; i++) {
            box.penalise(A, FIVE, 0);
        }
        assertTrue(box.refusal(A, 0).isPresent());
        assertEquals(Optional.empty(), box.refusal(B, 0));
        assertEquals(Optional.empty(), box.refusal(source("192.0.2.2"), 0), "IPv4 counts each address");
        for (int i = 0; i < 4; i++) {
            box.penalise(B, FIVE, 0);
        }
        assertTrue(box.refusal(source("2001:db8::ffff:1"), 0).isPresent(), "IPv6 counts the /64");
        assertEquals(2, box.active(0));
    }

    @Test
    void aFullTableForgetsThePenaltiesThatEndSoonest() {
        PenaltyBox small = new PenaltyBox(Duration.ofSeconds(15), Duration.ofMinutes(10), 3);
        for (int i = 0; i < 4; i++) {
            small.penalise(A, FIVE, 0); // ends at 20 s, active
        }
        small.penalise(source("192.0.2.10"), FIVE, 0); // ends at 5 s
        small.penalise(source("192.0.2.11"), Duration.ofSeconds(8), 0); // ends at 8 s

        small.penalise(source("192.0.2.12"), Duration.ofSeconds(9), 0);

        assertEquals(3, small.size(), "bounded");
        assertEquals(Optional.empty(), small.penalise(source("192.0.2.10"), Duration.ofSeconds(12), 0),
                "forgotten: with its 5 s kept, 17 s would have started a penalty");
        assertTrue(small.refusal(A, 0).isPresent(), "the longest penalty is kept");

        for (int i = 0; i < 10_000; i++) {
            small.penalise(source("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)), FIVE, 0);
        }
        assertEquals(3, small.size(), "a flood of sources does not grow it");
        assertTrue(small.refusal(A, 0).isPresent(), "nor push out what ends last");
    }
}
