package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.circuit.RefusalReason;
import org.nuttssh.config.Limit;
import org.nuttssh.config.Limits;
import org.nuttssh.config.MaxStartups;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.ssh.SshService;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.LogCapture;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

/** Each limit turns away only what exceeds it, is counted, and leaves other clients alone. */
class LimitsTest {

    /** Another loopback address, to be a different source address than the clients at 127.0.0.1. */
    private static final String OTHER_ADDRESS = "127.0.0.2";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void prepare() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    private void start(UnaryOperator<Limits.Builder> limits) throws Exception {
        relay.configure(c -> c.limits(limits.apply(Limits.builder()).build()));
        relay.start("access=\"listen\" {gw}", "access=\"listen\" {gw2}", "access=\"initiate\" {alice}",
                "access=\"initiate\" {bob}");
    }

    private RelayStatistics stats() {
        return relay.server().statistics();
    }

    @Test
    void connectionsBeyondTheMaximumAreRefused() throws Exception {
        start(l -> l.maxConnections(2));
        SshProcess gw1 = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess gw2 = relay.listener("gw2", "gw2", "gw2", "22:localhost:" + echo.port());

        SshProcess third = relay.run(relay.ssh("relay-alice", "list"));

        assertEquals(255, third.process().exitValue(), third.stderr());
        assertEquals(1, stats().limitRefusals().get(Limit.MAX_CONNECTIONS));
        assertTrue(gw1.isAlive() && gw2.isAlive(), "the connections within the limit stay");
        gw2.close();
        RelayFixture.await("a free connection slot", () -> stats().connectionsOpen() == 1);
        assertEquals(0, relay.run(relay.ssh("relay-alice", "list")).process().exitValue());
    }

    @Test
    void newConnectionsPerSecondFromOneAddressAreCapped() throws Exception {
        start(l -> l.maxConnectionRate(2));
        List<Socket> burst = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(OTHER_ADDRESS, 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port()));
                socket.getOutputStream().write("SSH-2.0-burst\r\n".getBytes(StandardCharsets.US_ASCII));
                burst.add(socket);
            }
            RelayFixture.await("refusals beyond the rate", () -> stats().limitRefusals().get(Limit.MAX_CONNECTION_RATE) >= 2);

            SshProcess elsewhere = relay.run(relay.ssh("relay-alice", "list"));
            assertEquals(0, elsewhere.process().exitValue(), "127.0.0.1 has its own budget: " + elsewhere.stderr());
        } finally {
            for (Socket socket : burst) {
                socket.close();
            }
        }
        assertTrue(stats().limitRefusals().get(Limit.MAX_CONNECTION_RATE) <= 3,
                "a burst of 5 within the rate of 2 per second loses 3 at most");
        RelayFixture.await("the budget to refill", () -> exitStatus("-b", OTHER_ADDRESS, "relay-alice", "list") == 0);
    }

    @Test
    void connectionsThatDoNotAuthenticateInTimeAreDropped() throws Exception {
        start(l -> l.loginTimeout(Duration.ofSeconds(1)));
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            idle.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
            long started = System.nanoTime();
            InputStream in = idle.getInputStream();
            try {
                while (in.read() >= 0) {
                    // the server's version line and key exchange offer, then nothing until it hangs up
                }
            } catch (SocketException reset) {
                // a reset is a hang-up too
            }
            // The relay's clock for the login starts when it accepts, a moment apart from this one: allow 100 ms.
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(millis >= 900 && millis < 10_000, "dropped after " + millis + " ms");
        }
        assertEquals(1, stats().limitRefusals().get(Limit.LOGIN_TIMEOUT));
        assertEquals(0, relay.run(relay.ssh("relay-alice", "list")).process().exitValue());
    }

    @Test
    void refusedKeysBeyondTheMaximumEndTheConnection() throws Exception {
        start(l -> l.maxAuthAttempts(2));
        List<String> twoStrangersFirst = relay.ssh("-o", "IdentityFile=" + relay.key("stranger1"),
                "-o", "IdentityFile=" + relay.key("stranger2"), "-o", "IdentityFile=" + relay.key("alice"),
                "-p", String.valueOf(relay.port()), "-l", "alice", "127.0.0.1", "list");
        List<String> oneStrangerFirst = relay.ssh("-o", "IdentityFile=" + relay.key("stranger1"),
                "-o", "IdentityFile=" + relay.key("alice"),
                "-p", String.valueOf(relay.port()), "-l", "alice", "127.0.0.1", "list");

        SshProcess dropped = relay.run(twoStrangersFirst);
        assertEquals(255, dropped.process().exitValue());
        assertTrue(dropped.stderr().contains("Too many authentication failures"), dropped.stderr());
        assertEquals(1, stats().limitRefusals().get(Limit.MAX_AUTH_ATTEMPTS));
        assertEquals(2, stats().authFailures());

        SshProcess admitted = relay.run(oneStrangerFirst);
        assertEquals(0, admitted.process().exitValue(), "one refusal is within the limit: " + admitted.stderr());
    }

    @Test
    void listenersBeyondTheMaximumPerClientAreRefused() throws Exception {
        start(l -> l.maxListenersPerClient(2));
        SshProcess withinLimit = relay.listener("gw2", "gw2", "gw2", "22:localhost:" + echo.port(),
                "23:localhost:" + echo.port());

        SshProcess tooMany = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "22:localhost:1",
                "-R", "23:localhost:1", "-R", "24:localhost:1", "-l", "gw1", "relay-gw"));

        assertNotEquals(0, tooMany.process().exitValue());
        assertTrue(tooMany.stderr().contains("remote port forwarding failed for listen port 24"), tooMany.stderr());
        assertEquals(1, stats().limitRefusals().get(Limit.MAX_LISTENERS_PER_CLIENT));
        assertTrue(withinLimit.isAlive());
        assertEquals(2, relay.newestRecord("gw2").orElseThrow().ports().size());
    }

    @Test
    void circuitsBeyondTheMaximumPerClientAreRefused() throws Exception {
        start(l -> l.maxCircuitsPerClient(1));
        int localPort = FreePorts.tcp();
        SshProcess forward = aliceForwardsToGw1(localPort);

        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
            first.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
            assertEquals("echo", readLine(first.getInputStream()), "the first circuit is open");

            assertTrue(closedWithoutData(localPort), "a second one is refused");
            RelayFixture.await(forward, "the refusal reason", () -> forward.stderr().contains(
                    "open failed: resource shortage: alice has 1 circuits open, the most one client may"));
            assertEquals(1, stats().limitRefusals().get(Limit.MAX_CIRCUITS_PER_CLIENT));
            assertEquals(1, stats().circuitRefusals().get(RefusalReason.LIMIT));

            SshProcess bob = relay.run(relay.ssh("-W", "gw1:22", "relay-bob"));
            assertEquals("echo\n", bob.stdout(), "another client is not limited by alice's circuits");

            OutputStream out = first.getOutputStream();
            out.write("still here\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("still here", readLine(first.getInputStream()));
        }
    }

    @Test
    void channelsBeyondTheMaximumPerConnectionAreRefused() throws Exception {
        start(l -> l.maxChannelsPerConnection(2));
        int localPort = FreePorts.tcp();
        SshProcess forward = aliceForwardsToGw1(localPort);

        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), localPort);
             Socket second = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
            first.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
            second.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
            assertEquals("echo", readLine(first.getInputStream()));
            assertEquals("echo", readLine(second.getInputStream()));

            assertTrue(closedWithoutData(localPort), "a third channel is refused");
            RelayFixture.await(forward, "the refusal reason", () -> forward.stderr().contains("open failed: resource "
                    + "shortage: 2 channels are open on this connection, the most one client may "
                    + "(max-channels-per-connection)"));
            assertEquals(1, stats().limitRefusals().get(Limit.MAX_CHANNELS_PER_CONNECTION));
            assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:22", "relay-bob")).stdout(), "bob's is his own");
        }
    }

    @Test
    void environmentVariablesAreRefused() throws Exception {
        start(l -> l);
        ch.qos.logback.classic.Logger session = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                SshService.class.getPackageName() + ".RelaySessionChannel");
        Level before = session.getLevel();
        session.setLevel(Level.DEBUG);
        try (LogCapture log = new LogCapture(SshService.class.getPackageName())) {
            SshProcess whoami = relay.run(relay.ssh("-o", "SetEnv=NUTTSSH_PROBE=1", "relay-alice", "whoami"));
            assertEquals(0, whoami.process().exitValue(), whoami.stderr());
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("DEBUG env request refused: "
                    + "'NUTTSSH_PROBE' from ")), log.lines()::toString);
        } finally {
            session.setLevel(before);
        }
    }

    @Test
    void globalRequestsOtherThanForwardsAndKeepalivesAreRefused() throws Exception {
        start(l -> l);
        Path socket = relay.dir().resolve("remote.sock");

        SshProcess streamlocal = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", socket + ":localhost:" + echo.port(), "relay-gw"));

        assertNotEquals(0, streamlocal.process().exitValue());
        assertTrue(streamlocal.stderr().contains("remote port forwarding failed for listen path " + socket),
                streamlocal.stderr());
    }

    @Test
    void connectionsBeyondMaxStartupsAreDroppedBeforeKeyExchange() throws Exception {
        start(l -> l.maxStartups(MaxStartups.parse("2")).maxStartupsPerSource(Limits.NO_LIMIT));
        List<Socket> held = hold(2, () -> silent("127.0.0.1"));

        awaitHungUp(silent(OTHER_ADDRESS), "a third is dropped, from wherever it comes");
        SshProcess refused = relay.run(relay.ssh("relay-alice", "list"));
        assertEquals(255, refused.process().exitValue(), refused.stderr());
        assertEquals(2, stats().limitRefusals().get(Limit.MAX_STARTUPS));

        closeAll(held);
        RelayFixture.await("the silent ones to go", () -> stats().connectionsUnauthenticated() == 0);
        assertEquals(0, relay.run(relay.ssh("relay-alice", "list")).process().exitValue());
    }

    @Test
    void connectionsBeyondMaxStartupsPerSourceAreDropped() throws Exception {
        start(l -> l.maxStartupsPerSource(3));
        List<Socket> held = hold(3, () -> silent(OTHER_ADDRESS));

        awaitHungUp(silent(OTHER_ADDRESS), "one more from the address is dropped");
        assertEquals(1, stats().limitRefusals().get(Limit.MAX_STARTUPS_PER_SOURCE));
        assertEquals(255, exitStatus("-b", OTHER_ADDRESS, "relay-alice", "list"), "ssh from there too");
        assertEquals(0, exitStatus("relay-alice", "list"), "127.0.0.1 is another source");

        closeAll(held);
        RelayFixture.await("a free place", () -> exitStatus("-b", OTHER_ADDRESS, "relay-alice", "list") == 0);
    }

    /** The measured attack: 200 silent connections from one address used to stay open. */
    @Test
    void silentConnectionsFromOneAddressAreCappedByDefault() throws Exception {
        start(l -> l);
        int cap = Limits.DEFAULT_MAX_STARTUPS_PER_SOURCE;
        for (int i = 0; i < cap + 10; i++) {
            relay.onClose(silent(OTHER_ADDRESS));
        }

        RelayFixture.await("the ones beyond " + cap + " to be dropped",
                () -> stats().limitRefusals().get(Limit.MAX_STARTUPS_PER_SOURCE) == 10);
        assertEquals(cap, stats().connectionsUnauthenticated());
        assertEquals(0, exitStatus("relay-alice", "list"), "other addresses are served");
    }

    @Test
    void theSourceIsTheAddressATrustedProxyNames() throws Exception {
        relay.configure(c -> c.proxyProtocol(true).proxyProtocolFrom(List.of("127.0.0.1")));
        start(l -> l.maxStartupsPerSource(2));
        List<Socket> fromOneClient = new ArrayList<>(hold(2, () -> proxied("192.0.2.1")));
        fromOneClient.add(proxied("192.0.2.1"));

        // Which of the three goes is a race: a connection counts as under way before its header is read, and the
        // relay's I/O threads may read the three headers in any order. The limit promises that one goes.
        RelayFixture.await("one of three connections from 192.0.2.1 dropped",
                () -> fromOneClient.stream().filter(LimitsTest::closedByRelay).count() == 1);
        hold(1, () -> proxied("192.0.2.2"));
        assertEquals(1, stats().limitRefusals().get(Limit.MAX_STARTUPS_PER_SOURCE));
    }

    /** Opens a connection of the kind the test needs. */
    private interface Opener {
        Socket open() throws Exception;
    }

    /**
     * Opens {@code count} connections one after another, each one a handshake under way before the next; they are
     * closed at the end of the test, or before by {@link #closeAll}.
     */
    private List<Socket> hold(int count, Opener opener) throws Exception {
        int before = stats().connectionsUnauthenticated();
        List<Socket> held = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            held.add(opener.open());
            int pending = before + i;
            RelayFixture.await(pending + " handshakes under way", () -> stats().connectionsUnauthenticated() == pending);
        }
        return held;
    }

    /**
     * gw1 listening with the echo target, and alice's {@code ssh -L localPort:gw1:22}, ready and not used yet: its
     * port is not probed by connecting, since the probe's circuit could still count when the test's opens.
     */
    private SshProcess aliceForwardsToGw1(int localPort) throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess forward = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":gw1:22", "relay-alice"));
        RelayFixture.await(forward, "local forward port", () -> !FreePorts.isFree(localPort));
        return forward;
    }

    private static void closeAll(List<Socket> sockets) throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** A TCP connection to the relay from {@code address} that never says a word; closed at the end of the test. */
    private Socket silent(String address) throws Exception {
        Socket socket = new Socket();
        relay.onClose(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port()));
        return socket;
    }

    /** A connection from the trusted proxy on 127.0.0.1 that names {@code client} in its PROXY header, then waits. */
    private Socket proxied(String client) throws Exception {
        Socket socket = silent("127.0.0.1");
        socket.getOutputStream().write(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + relay.port() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Whether the relay has closed the connection by now; reads (and drops) whatever it sent before. */
    private static boolean closedByRelay(Socket socket) {
        try {
            socket.setSoTimeout(20);
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // the relay's version line
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Waits for the relay to close the connection (after its version line, perhaps) without the client asking. */
    private static void awaitHungUp(Socket socket, String what) {
        RelayFixture.await(what, () -> closedByRelay(socket));
    }

    private int exitStatus(String... args) {
        try {
            return relay.run(relay.ssh(args)).process().exitValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** ssh closes (or resets) a -L connection whose channel the relay refused, before any byte comes through. */
    private static boolean closedWithoutData(int port) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
            return socket.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }
}
