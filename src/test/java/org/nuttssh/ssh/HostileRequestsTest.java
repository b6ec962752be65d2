package org.nuttssh.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.Limit;
import org.nuttssh.config.Limits;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.KeyPairs;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.MinaLogin;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.Limit;
import org.nuttssh.config.Limits;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LogCapture;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * What stock OpenSSH clients cannot send, sent by MINA's client: user names holding control characters (OpenSSH
 * refuses to send them), sessions held open without a command, and global requests of any name.
 */
class HostileRequestsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A user name that would write a forged line into a text log, and clear the screen of whoever lists it. */
    private static final String FORGER = "gw\n2026-01-01T00:00:00.000Z INFO  SessionTracker: FORGED-LINE \u001b[2J";

    @TempDir
    Path dir;

    private final KeyPair key = KeyPairs.ed25519();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Relay relay;
    private SshClient client;

    @BeforeEach
    void startClient() {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
        client.stop();
        if (relay != null) {
            relay.close();
        }
    }

    private void start(UnaryOperator<Limits.Builder> limits) throws Exception {
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "access=\"listen\",access=\"initiate\",access=\"admin\" "
                + PublicKeyEntry.toString(key.getPublic()) + " all\n");
        RelayConfig config = RelayConfig.builder().bind("127.0.0.1").port(0).authorizedKeys(keys)
                .limits(limits.apply(Limits.builder()).build()).build();
        relay = Relay.start(config, KeyPairProvider.wrap(KeyPairs.ed25519()), AuthorizedKeys.load(keys));
    }

    private ClientSession login(String user) throws Exception {
        ClientSession session = MinaLogin.login(client, user, relay.port(), key, TIMEOUT);
        closing.add(session);
        return session;
    }

    @Test
    void controlCharactersInAUserNameForgeNoLogLineAndReachNoTerminal() throws Exception {
        start(l -> l);
        List<ILoggingEvent> events;
        try (LogCapture log = new LogCapture("org.nuttssh")) {
            ClientSession forger = login(FORGER);
            assertThrows(Exception.class, () -> forger.startRemotePortForwarding(
                    new SshdSocketAddress("localhost", 22), new SshdSocketAddress("localhost", 9)),
                    "the user name is no name to listen under");
            String whoami = forger.executeRemoteCommand("whoami");
            assertTrue(whoami.startsWith("name: gw\\x0a2026-01-01T00:00:00.000Z INFO  SessionTracker: FORGED-LINE "
                    + "\\x1b[2J\n"), whoami);
            forger.close();
            Await.until("the connection's end to be logged",
                    () -> log.lines().stream().anyMatch(line -> line.contains("connection closed")));
            events = log.events();
        }
        assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().contains("FORGED-LINE")), "logged at all");

        Encoder<ILoggingEvent> text = textEncoder();
        for (ILoggingEvent event : events) {
            String line = new String(text.encode(event), StandardCharsets.UTF_8);
            assertEquals(line.length() - 1, line.indexOf('\n'), "one event, one line: " + line);
            assertFalse(line.chars().anyMatch(c -> c < ' ' && c != '\n'), "no control character: " + line);
        }
    }

    @Test
    void sessionsBeyondTheCapAreRefused() throws Exception {
        start(l -> l.maxSessionsPerConnection(2));
        ClientSession session = login("alice");
        ClientChannel first = openSession(session);
        openSession(session);

        SshChannelOpenException third = refusal(() -> openSession(session));
        assertEquals(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, third.getReasonCode());
        assertTrue(third.getMessage().contains("2 sessions are open on this connection, the most one client may "
                + "(max-sessions-per-connection)"), third.getMessage());
        assertEquals(1, relay.statistics().limitRefusals().get(Limit.MAX_SESSIONS_PER_CONNECTION));

        first.close(false).await(TIMEOUT);
        Await.until("a free place", () -> opens(session));
        assertTrue(login("bob").isAuthenticated() && opens(login("carol")), "other connections have their own");
    }

    @Test
    void channelsOfAnyKindBeyondTheCapAreRefused() throws Exception {
        start(l -> l.maxChannelsPerConnection(2));
        ClientSession session = login("alice");
        openSession(session);
        openSession(session);

        ClientChannel direct = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress("gw1", 22));
        closing.add(direct);
        SshChannelOpenException refused = refusal(() -> direct.open().verify(TIMEOUT));
        assertEquals(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, refused.getReasonCode());
        assertTrue(refused.getMessage().contains("2 channels are open on this connection, the most one client may "
                + "(max-channels-per-connection)"), refused.getMessage());
        refusal(() -> openSession(session));
        assertEquals(2, relay.statistics().limitRefusals().get(Limit.MAX_CHANNELS_PER_CONNECTION));
    }

    @Test
    void aSessionHeldOpenIsGivenOnePacketOfWindowAndACircuitStartsAtItsFloor() throws Exception {
        start(l -> l);
        ClientSession session = login("alice");
        assertEquals(WindowBudget.MIN_WINDOW, openSession(session).getRemoteWindow().getSize(),
                "no command reads its input: what a client may send to one");

        client.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE); // gw1 takes the relay's forwarded-tcpip
        try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            login("gw1").startRemotePortForwarding(new SshdSocketAddress("localhost", 22),
                    new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
            ClientChannel circuit = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("gw1", 22));
            closing.add(circuit);
            circuit.open().verify(TIMEOUT);
            assertEquals(WindowBudget.MIN_WINDOW, circuit.getRemoteWindow().getSize(),
                    "what the initiator may send before the relay has passed anything on");
        }
    }

    @Test
    void globalRequestsOtherThanForwardsAndKeepalivesAreRefused() throws Exception {
        start(l -> l);
        ClientSession session = login("alice");
        for (String request : List.of("no-more-sessions@openssh.com", "hostkeys-prove-00@openssh.com",
                "streamlocal-forward@openssh.com", "x-anything@example.org")) {
            assertNull(session.request(request, wantReply(session, request), TIMEOUT), request);
        }
        assertNotNull(session.request("keepalive@openssh.com", wantReply(session, "keepalive@openssh.com"),
                TIMEOUT), "keepalives are answered");
        assertTrue(session.isOpen());
    }

    /** A session channel with no request on it: open, and held open, as no OpenSSH client would. */
    private ClientChannel openSession(ClientSession session) throws Exception {
        ChannelSession channel = new ChannelSession();
        closing.add(channel);
        session.getService(ConnectionService.class).registerChannel(channel);
        channel.open().verify(TIMEOUT);
        return channel;
    }

    /** The channel-open failure the relay answered {@code open} with. */
    private static SshChannelOpenException refusal(Executable open) {
        SshException failed = assertThrows(SshException.class, open);
        assertInstanceOf(SshChannelOpenException.class, failed.getCause(), failed::toString);
        return (SshChannelOpenException) failed.getCause();
    }

    /** Whether one more session opens now; it is closed again at the end of the test. */
    private boolean opens(ClientSession session) {
        try {
            openSession(session);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static Buffer wantReply(ClientSession session, String request) {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, request.length() + 8);
        buffer.putString(request);
        buffer.putBoolean(true);
        return buffer;
    }

    /** The encoder logback.xml gives the text log. */
    @SuppressWarnings("unchecked")
    private static Encoder<ILoggingEvent> textEncoder() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return ((OutputStreamAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender("STDERR")).getEncoder();
    }
}
