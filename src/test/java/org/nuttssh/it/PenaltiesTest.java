package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.Limit;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.ssh.admission.SourcePenalties;
import org.nuttssh.testing.LogCapture;

/**
 * per-source-penalties with the real {@code ssh}: a source that keeps failing to log in is refused at connect for a
 * while; other sources, and exempt ones, are not. Clients pick their source address with {@code ssh -b}.
 */
class PenaltiesTest {

    /**
     * A failed login costs 5 s and a source is refused above 10 s, so it takes three failures in a row (two are 10 s
     * at most, not above), however slowly this machine runs them; the refusal lasts 15 s at most.
     */
    static final String PENALTIES = "authfail:5s,min:10s,max:15s";
    /** More failures than any penalty needs: a loop that gets this far has not been refused. */
    private static final int MAX_FAILURES = 10;
    private static final String OFFENDER = "127.0.0.2";
    private static final String EXEMPT = "127.0.0.3";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @BeforeEach
    void start() throws Exception {
        relay.configure(c -> c.perSourcePenalties(PerSourcePenalties.parse(PENALTIES, List.of(EXEMPT))));
        relay.start("access=\"initiate\" {alice}");
        relay.key("stranger"); // a key in no line of authorized_keys
    }

    private RelayStatistics stats() {
        return relay.server().statistics();
    }

    private SshProcess list(String from, String role) throws Exception {
        return relay.run(relay.ssh("-b", from, "relay-" + role, "list"));
    }

    /**
     * Runs {@code failing} (an ssh whose key is refused) until the relay refuses it before authentication.
     *
     * @return the refused run's process, after asserting that it took more than two failed logins
     */
    static SshProcess failUntilRefused(RelayFixture relay, List<String> failing) throws Exception {
        for (int failures = 0; failures < MAX_FAILURES; failures++) {
            SshProcess run = relay.run(failing);
            assertEquals(255, run.process().exitValue(), run.stderr());
            if (!run.stderr().contains("Permission denied (publickey)")) {
                assertTrue(failures > 2, "refused after " + failures + " failed logins of 5 s each, which is not "
                        + "above 10 s: " + run.stderr());
                return run;
            }
        }
        throw new AssertionError("still not refused after " + MAX_FAILURES + " failed logins");
    }

    /** What ssh says when the relay closes the connection before its version line arrives. */
    static void assertClosedBeforeTheBanner(SshProcess refused) {
        assertEquals(255, refused.process().exitValue(), refused.stderr());
        assertTrue(refused.stderr().contains("kex_exchange_identification: "), refused.stderr());
        assertFalse(refused.stderr().contains("Permission denied"), refused.stderr());
    }

    @Test
    void aSourceThatKeepsFailingToLogInIsRefusedAtConnectForAWhileAndOthersAreNot() throws Exception {
        SshProcess refused;
        try (LogCapture log = new LogCapture(SourcePenalties.class)) {
            refused = failUntilRefused(relay, relay.ssh("-b", OFFENDER, "relay-stranger", "list"));
            Pattern started = Pattern.compile("INFO penalising 127\\.0\\.0\\.2: its new connections are refused for "
                    + "\\d+ s \\(per-source-penalties\\), after one from /127\\.0\\.0\\.2:\\d+ failed to log in");
            assertEquals(1, log.lines().size(), log.lines()::toString);
            assertTrue(started.matcher(log.lines().get(0)).matches(), log.lines().get(0));
        }
        assertClosedBeforeTheBanner(refused);
        assertClosedBeforeTheBanner(list(OFFENDER, "alice")); // the source is refused, whatever key it brings
        assertEquals(2, stats().limitRefusals().get(Limit.PER_SOURCE_PENALTIES));
        assertEquals(1, stats().penaltiesStarted());
        assertEquals(1, stats().penalisedSources());

        SshProcess elsewhere = list("127.0.0.1", "alice");
        assertEquals(0, elsewhere.process().exitValue(), "another source logs in: " + elsewhere.stderr());

        RelayFixture.await("the penalty to run out", () -> exitStatus(OFFENDER, "alice") == 0);
        assertEquals(0, stats().penalisedSources());
        assertEquals(1, stats().penaltiesStarted(), "refused connections added nothing");
    }

    @Test
    void anExemptSourceIsNeverRefused() throws Exception {
        for (int i = 0; i < MAX_FAILURES; i++) {
            SshProcess stranger = list(EXEMPT, "stranger");
            assertTrue(stranger.stderr().contains("Permission denied (publickey)"), "attempt " + i + ": "
                    + stranger.stderr());
        }
        assertEquals(0, stats().penaltiesStarted());
        SshProcess alice = list(EXEMPT, "alice");
        assertEquals(0, alice.process().exitValue(), alice.stderr());
    }

    private int exitStatus(String from, String role) {
        try {
            return list(from, role).process().exitValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
