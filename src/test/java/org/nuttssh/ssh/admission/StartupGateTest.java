package org.nuttssh.ssh.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

import org.apache.sshd.common.session.SessionListener.Event;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.Test;
import org.nuttssh.config.Limit;
import org.nuttssh.config.MaxStartups;
import org.nuttssh.metrics.Tally;
import org.nuttssh.net.IpAddress;
import org.nuttssh.testing.FakeSession;

/** The counting behind max-startups and max-startups-per-source, with the random draw made predictable. */
class StartupGateTest {

    private final Tally<Limit> refusals = Tally.of(Limit.class, Limit::setting);
    private final List<FakeSession> sessions = new ArrayList<>();

    private StartupGate gate(String maxStartups, int perSource, IntUnaryOperator random) {
        return new StartupGate(MaxStartups.parse(maxStartups), perSource, false, refusals, random);
    }

    private FakeSession connect(StartupGate gate, String address) {
        FakeSession session = new FakeSession(new InetSocketAddress(
                IpAddress.parse(address).orElseThrow().toInetAddress(), 1000 + sessions.size()));
        sessions.add(session);
        gate.sessionCreated(session.session());
        if (session.closes() > 0) {
            gate.sessionClosed(session.session()); // as MINA reports a close
        }
        return session;
    }

    /** Connects with the random draw set to {@code draw}; whether the connection was dropped. */
    private boolean dropped(StartupGate gate, int[] draw, int value) {
        draw[0] = value;
        return connect(gate, "10.1.0." + sessions.size()).closes() > 0;
    }

    @Test
    void randomEarlyDropRisesFromRateAtStartToAllAtFull() {
        List<Integer> drawn = new ArrayList<>();
        int[] draw = {0};
        StartupGate gate = gate("10:30:20", 0, bound -> {
            drawn.add(bound);
            return draw[0];
        });
        for (int i = 0; i < 10; i++) {
            assertFalse(dropped(gate, draw, 0), "below START nobody is dropped");
        }
        assertEquals(List.of(), drawn, "and nothing is drawn");

        // With 10 pending (START) a new one goes with 30 % probability: a draw of 0-29 of 100.
        assertTrue(dropped(gate, draw, 29));
        assertFalse(dropped(gate, draw, 30));
        for (int i = 0; i < 4; i++) {
            assertFalse(dropped(gate, draw, 99));
        }
        // With 15 pending: 30 + 70 * 5 / 10 = 65 %.
        assertTrue(dropped(gate, draw, 64));
        assertFalse(dropped(gate, draw, 65));
        for (int i = 0; i < 4; i++) {
            assertFalse(dropped(gate, draw, 99));
        }
        // With 20 pending (FULL) every new one goes, without a draw.
        int draws = drawn.size();
        assertTrue(dropped(gate, draw, 99));
        assertEquals(draws, drawn.size());
        assertEquals(List.of(100), drawn.stream().distinct().toList(), "percent");
        assertEquals(20, gate.pending());
        assertEquals(3, refusals.get(Limit.MAX_STARTUPS));
    }

    @Test
    void pendingConnectionsStopCountingWhenTheyAuthenticateOrClose() {
        StartupGate gate = gate("2", 0, bound -> 0);
        FakeSession first = connect(gate, "10.0.0.1");
        FakeSession second = connect(gate, "10.0.0.2");
        assertEquals(1, connect(gate, "10.0.0.3").closes());

        gate.sessionEvent(first.session(), Event.Authenticated);
        gate.sessionClosed(first.session()); // counted once, whichever comes first
        assertEquals(0, connect(gate, "10.0.0.4").closes());
        gate.sessionClosed(second.session());
        gate.sessionClosed(sessions.get(2).session()); // closed already: nothing changes
        assertEquals(1, gate.pending());
        assertEquals(1, refusals.get(Limit.MAX_STARTUPS));
    }

    @Test
    void aSourceIsAnIpv4AddressOrAnIpv6Slash64() {
        StartupGate gate = gate("0", 2, bound -> 0);
        connect(gate, "2001:db8:1:2::1");
        connect(gate, "2001:db8:1:2:ffff:ffff:ffff:ffff");
        assertEquals(1, connect(gate, "2001:db8:1:2::3").closes(), "the same /64");
        assertEquals(0, connect(gate, "2001:db8:1:3::1").closes(), "the next /64");

        connect(gate, "192.0.2.1");
        connect(gate, "192.0.2.1");
        assertEquals(1, connect(gate, "192.0.2.1").closes());
        assertEquals(0, connect(gate, "192.0.2.2").closes(), "IPv4 addresses are sources of their own");
        assertEquals(2, refusals.get(Limit.MAX_STARTUPS_PER_SOURCE));

        ServerSession gone = sessions.get(0).session();
        gate.sessionClosed(gone);
        assertEquals(0, connect(gate, "2001:db8:1:2::4").closes(), "a place came free");
    }

    @Test
    void behindAProxyTheSourceCountsOnceTheHeaderIsRead() {
        StartupGate gate = new StartupGate(MaxStartups.NO_LIMIT, 1, true, refusals, bound -> 0);
        FakeSession first = connect(gate, "127.0.0.1");
        FakeSession second = connect(gate, "127.0.0.1");
        assertEquals(0, first.closes() + second.closes(), "the proxy's own address is no source");

        gate.sourceKnown(first.session());
        gate.sourceKnown(first.session()); // MINA asks the acceptor again while the version line is incomplete
        gate.sourceKnown(second.session());
        assertEquals(List.of(0, 1), List.of(first.closes(), second.closes()));
    }

    @Test
    void aConnectionClosedBeforeTheGateSawItIsNeverCounted() {
        StartupGate gate = gate("2", 1, bound -> 0);
        for (int i = 0; i < 10; i++) {
            // An untrusted proxy peer, a penalised source: an earlier listener closed it, and MINA has signalled
            // its close to every listener before this one is told it was created.
            FakeSession closed = new FakeSession(new InetSocketAddress(
                    IpAddress.parse("10.0.0.1").orElseThrow().toInetAddress(), 2000 + i));
            closed.session().close(true);
            gate.sessionClosed(closed.session());
            gate.sessionCreated(closed.session());
        }
        assertEquals(0, gate.pending());
        assertEquals(0, connect(gate, "10.0.0.1").closes(), "its source has no handshake under way");
    }
}
