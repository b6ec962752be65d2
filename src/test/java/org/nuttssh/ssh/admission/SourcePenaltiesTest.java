package org.nuttssh.ssh.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.session.SessionListener.Event;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.Test;
import org.nuttssh.config.Limit;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.metrics.Tally;
import org.nuttssh.net.IpAddress;
import org.nuttssh.proxy.ClientAddress;
import org.nuttssh.testing.FakeSession;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.TestKeys;

/**
 * Which connections cost their source, and when it is refused. Times are long (an offence costs 100 s, 150 s are
 * allowed) so that the test never depends on how fast it runs: two offences start a penalty, one does not.
 */
class SourcePenaltiesTest {

    private static final String SPEC = "authfail:100s,noauth:100s,grace-exceeded:100s,min:150s,max:1000s";

    private final Tally<Limit> refusals = Tally.of(Limit.class, Limit::setting);
    private final SourcePenalties penalties = new SourcePenalties(PerSourcePenalties.parse(SPEC,
            List.of("192.0.2.100")), false, refusals);
    private final AttemptLimit attempts = new AttemptLimit((user, key, session) -> false, 6, refusals);

    /** A connection from {@code address} as MINA reports it; whether it was refused at once. */
    private FakeSession connect(String address) {
        FakeSession session = new FakeSession(new InetSocketAddress(IpAddress.parse(address).orElseThrow()
                .toInetAddress(), 40000));
        penalties.sessionCreated(session.session());
        return session;
    }

    private void negotiate(FakeSession session) {
        penalties.sessionNegotiationEnd(session.session(), Map.of(), Map.of(), Map.of(), null);
    }

    private void refuseAKey(FakeSession session) {
        attempts.authenticate("mallory", TestKeys.key("ed25519"), session.session());
    }

    private void close(FakeSession session) {
        penalties.sessionClosed(session.session());
    }

    /** A connection that makes a key exchange, has a key refused and hangs up. */
    private void failLogin(String address) {
        FakeSession session = connect(address);
        negotiate(session);
        refuseAKey(session);
        close(session);
    }

    @Test
    void failedLoginsGetTheSourceRefusedAtOnceAndOnlyIt() {
        failLogin("198.51.100.7");
        assertEquals(0, connect("198.51.100.7").closes(), "100 s is not above 150 s");

        try (LogCapture log = new LogCapture(SourcePenalties.class)) {
            failLogin("198.51.100.7");
            assertEquals(1, log.lines().size(), log.lines()::toString);
            assertTrue(log.lines().get(0).matches("INFO penalising 198\\.51\\.100\\.7: its new connections are refused"
                    + " for (199|200) s \\(per-source-penalties\\), after one from /198\\.51\\.100\\.7:40000 failed to"
                    + " log in"), log.lines().get(0));
        }
        assertEquals(1, connect("198.51.100.7").closes());
        assertEquals(1, refusals.get(Limit.PER_SOURCE_PENALTIES));
        assertEquals(0, connect("198.51.100.8").closes(), "another address is another source");
        assertEquals(1, penalties.penalisedSources());
        assertEquals(1, penalties.penaltiesStarted());
    }

    @Test
    void aConnectionThatLogsInCostsNothingWhateverItHadRefused() {
        for (int i = 0; i < 5; i++) {
            FakeSession session = connect("198.51.100.7");
            negotiate(session);
            refuseAKey(session);
            refuseAKey(session);
            penalties.sessionEvent(session.session(), Event.Authenticated); // an agent's third key was the one
            close(session);
        }
        assertEquals(0, connect("198.51.100.7").closes());
        assertEquals(0, penalties.penaltiesStarted());
    }

    @Test
    void aLoginDoesNotForgiveEarlierOffences() {
        failLogin("198.51.100.7");
        FakeSession good = connect("198.51.100.7");
        negotiate(good);
        penalties.sessionEvent(good.session(), Event.Authenticated);
        close(good);

        failLogin("198.51.100.7");
        assertEquals(1, connect("198.51.100.7").closes());
    }

    @Test
    void aKeyExchangeWithoutALoginAttemptIsAnOffenceAHangUpBeforeOneIsNot() {
        for (int i = 0; i < 10; i++) {
            close(connect("198.51.100.7")); // a port scan, a health check, a connection the relay refused itself
        }
        assertEquals(0, connect("198.51.100.7").closes());

        for (int i = 0; i < 2; i++) {
            FakeSession session = connect("198.51.100.7");
            negotiate(session);
            close(session);
        }
        assertEquals(1, connect("198.51.100.7").closes(), "two key exchanges for nothing, 200 s");
    }

    @Test
    void aFailedNegotiationIsNoKeyExchange() {
        for (int i = 0; i < 3; i++) {
            FakeSession session = connect("198.51.100.7");
            penalties.sessionNegotiationEnd(session.session(), Map.of(), Map.of(), Map.of(),
                    new IllegalStateException("no common cipher"));
            close(session);
        }
        assertEquals(0, connect("198.51.100.7").closes());
    }

    @Test
    void timeoutsAndTooManyRequestsAreOffencesToo() {
        FakeSession slow = connect("198.51.100.7");
        penalties.loginTimedOut(slow.session());
        close(slow);
        FakeSession passwords = connect("198.51.100.7");
        negotiate(passwords);
        penalties.tooManyRequests(passwords.session());
        close(passwords);

        assertEquals(1, connect("198.51.100.7").closes());
    }

    @Test
    void anExemptSourceIsNeverPenalisedNorRefused() {
        for (int i = 0; i < 20; i++) {
            failLogin("192.0.2.100");
        }
        assertEquals(0, connect("192.0.2.100").closes());
        assertEquals(0, penalties.penaltiesStarted());
    }

    @Test
    void behindAProxyTheSourceIsTheHeadersClientNeverTheProxy() {
        SourcePenalties proxied = new SourcePenalties(PerSourcePenalties.parse(SPEC, List.of()), true, refusals);
        for (int i = 0; i < 2; i++) {
            ServerSession failing = throughProxy(proxied, "198.51.100.7");
            proxied.sessionNegotiationEnd(failing, Map.of(), Map.of(), Map.of(), null);
            attempts.authenticate("mallory", TestKeys.key("ed25519"), failing);
            proxied.sessionClosed(failing);
        }

        assertFalse(throughProxy(proxied, "198.51.100.7").isOpen(), "the penalised client, through the proxy");
        assertTrue(throughProxy(proxied, "203.0.113.9").isOpen(), "the proxy's other clients come in");
    }

    /** A connection from the proxy at 10.0.0.5 whose header names {@code client}, once the header is read. */
    private static ServerSession throughProxy(SourcePenalties proxied, String client) {
        FakeSession session = new FakeSession(new InetSocketAddress(IpAddress.parse("10.0.0.5").orElseThrow()
                .toInetAddress(), 5000));
        proxied.sessionCreated(session.session());
        assertEquals(0, session.closes(), "nothing is judged before the header");
        session.session().setAttribute(ClientAddress.OVERRIDE, new InetSocketAddress(
                IpAddress.parse(client).orElseThrow().toInetAddress(), 40000));
        proxied.sourceKnown(session.session());
        return session.session();
    }

    @Test
    void offTurnsEverythingOff() {
        SourcePenalties off = new SourcePenalties(PerSourcePenalties.OFF, false, refusals);
        for (int i = 0; i < 20; i++) {
            FakeSession session = new FakeSession(new InetSocketAddress(IpAddress.parse("198.51.100.7")
                    .orElseThrow().toInetAddress(), 40000));
            off.sessionCreated(session.session());
            assertEquals(0, session.closes());
            off.sessionNegotiationEnd(session.session(), Map.of(), Map.of(), Map.of(), null);
            off.sessionClosed(session.session());
        }
        assertEquals(0, off.penaltiesStarted());
    }
}
