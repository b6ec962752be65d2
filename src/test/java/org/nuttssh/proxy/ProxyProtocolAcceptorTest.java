package org.nuttssh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.testing.FakeSession;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** The acceptor driven the way MINA's readIdentification drives it, with MINA's own buffer class. */
class ProxyProtocolAcceptorTest {

    private static final String SSH_VERSION = "SSH-2.0-OpenSSH_9.2\r\n";
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5555);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(ip(127, 0, 0, 3), 40000);

    private final List<ServerSession> known = new CopyOnWriteArrayList<>();
    private final ProxyProtocolAcceptor acceptor = new ProxyProtocolAcceptor(
            List.of(CidrBlock.parse("127.0.0.0/8"), CidrBlock.parse("2001:db8::/32")),
            session -> known.add((ServerSession) session));
    private final FakeSession fake = new FakeSession(PEER);
    private final Logger logger = (Logger) LoggerFactory.getLogger(ProxyProtocolAcceptor.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
        logger.setLevel(previousLevel);
    }

    @Test
    void v2HeaderSetsClientAddressAndLeavesSshVersionLine() throws Exception {
        Buffer buffer = buffer(concat(v2Header(), ascii(SSH_VERSION)));

        assertTrue(acceptor.acceptServerProxyMetadata(fake.session(), buffer));

        assertEquals(SSH_VERSION, unread(buffer), "exactly the header is consumed");
        assertEquals(CLIENT, fake.session().getAttribute(ClientAddress.OVERRIDE));
        assertEquals(CLIENT, ClientAddress.of(fake.session()));
        assertEquals(List.of("DEBUG 127.0.0.1:5555: PROXY v2 from 127.0.0.3:40000 to 127.0.0.1:2222, 28 bytes"),
                lines());
        assertEquals(0, fake.closes());
        assertEquals(List.of(fake.session()), known, "the client address is final now");
    }

    @Test
    void peersOtherThanTheTrustedProxiesAreDroppedAtOnce() throws Exception {
        acceptor.sessionCreated(fake.session());
        assertEquals(0, fake.closes(), "127.0.0.1 is in 127.0.0.0/8");
        FakeSession v6 = new FakeSession(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 7000));
        acceptor.sessionCreated(v6.session());
        assertEquals(0, v6.closes());

        FakeSession stranger = new FakeSession(new InetSocketAddress(ip(192, 0, 2, 9), 6000));
        acceptor.sessionCreated(stranger.session());

        assertEquals(1, stranger.closes());
        assertEquals(List.of("INFO dropping 192.0.2.9:6000: not a trusted proxy (proxy-protocol-from "
                + "127.0.0.0/8,2001:db8::/32); clients must come through the load balancer"), lines());
    }

    @Test
    void v1HeaderSetsClientAddressAndLeavesSshVersionLine() throws Exception {
        Buffer buffer = buffer(ascii("PROXY TCP4 127.0.0.3 127.0.0.1 40000 2222\r\n" + SSH_VERSION));

        assertTrue(acceptor.acceptServerProxyMetadata(fake.session(), buffer));

        assertEquals(SSH_VERSION, unread(buffer));
        assertEquals(CLIENT, ClientAddress.of(fake.session()));
    }

    @Test
    void headerArrivingByteByByteIsAcceptedOnceComplete() throws Exception {
        byte[] header = v2Header();
        byte[] stream = concat(header, ascii(SSH_VERSION));
        Buffer buffer = new ByteArrayBuffer();
        for (int i = 0; i < stream.length; i++) {
            buffer.putByte(stream[i]);
            int before = buffer.rpos();
            boolean complete = acceptor.acceptServerProxyMetadata(fake.session(), buffer);
            if (i < header.length - 1) {
                assertFalse(complete, "after " + (i + 1) + " bytes");
                assertEquals(before, buffer.rpos(), "nothing consumed while more bytes are needed");
                assertNull(fake.session().getAttribute(ClientAddress.OVERRIDE));
            } else {
                // MINA puts the read position back whenever the version line after the header is incomplete.
                assertTrue(complete, "after " + (i + 1) + " bytes");
                assertEquals(header.length, buffer.rpos() - before);
                assertEquals(new String(stream, header.length, i + 1 - header.length, StandardCharsets.US_ASCII),
                        unread(buffer));
                buffer.rpos(before);
            }
        }
        assertEquals(CLIENT, ClientAddress.of(fake.session()));
        assertEquals(1, lines().size(), "MINA's repeated calls log the header once: " + lines());
        assertEquals(1, known.size(), "and report the client once");
        assertEquals(0, fake.closes());
    }

    /**
     * Headers that name no client: v2 LOCAL (HAProxy's health checks), v2 PROXY without IP addresses (UNSPEC, UNIX),
     * v1 UNKNOWN. Such a connection would otherwise be judged as the proxy itself, so from= and source-address
     * rules written for the proxy's address would admit anyone who reaches the proxy.
     */
    static Stream<Arguments> headersWithoutClient() {
        return Stream.of(
                Arguments.of("v2 LOCAL", HeaderBytes.v2(0x20, 0x00, HeaderBytes.payload()).bytes(),
                        "PROXY v2 LOCAL (the proxy's own connection), 16 bytes"),
                Arguments.of("v2 LOCAL with addresses", v2Header(0x20),
                        "PROXY v2 LOCAL (the proxy's own connection), 28 bytes"),
                Arguments.of("v2 PROXY UNSPEC", HeaderBytes.v2(0x21, 0x00, HeaderBytes.payload()).bytes(),
                        "PROXY v2 UNKNOWN (no client address given), 16 bytes"),
                Arguments.of("v2 PROXY UNIX", HeaderBytes.v2(0x21, 0x31, HeaderBytes.payload().zeros(216)).bytes(),
                        "PROXY v2 UNKNOWN (no client address given), 232 bytes"),
                Arguments.of("v1 UNKNOWN", ascii("PROXY UNKNOWN whatever\r\n"),
                        "PROXY v1 UNKNOWN (no client address given), 24 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headersWithoutClient")
    void aHeaderWithoutAClientAddressIsDroppedRatherThanTakenForTheProxy(String name, byte[] header,
                                                                        String described) throws Exception {
        Buffer buffer = buffer(concat(header, ascii(SSH_VERSION)));

        assertFalse(acceptor.acceptServerProxyMetadata(fake.session(), buffer));

        assertEquals(1, fake.closes());
        assertNull(fake.session().getAttribute(ClientAddress.OVERRIDE));
        assertEquals(List.of(), known, "no source to count or penalise: the proxy's is not the client's");
        assertEquals(List.of("DEBUG dropping 127.0.0.1:5555: " + described + ": no client address to judge it by"),
                lines());

        assertFalse(acceptor.acceptServerProxyMetadata(fake.session(), buffer(concat(header, ascii(SSH_VERSION)))));
        assertEquals(1, fake.closes(), "judged once");
        assertEquals(1, lines().size(), "logged once");
    }

    @Test
    void connectionWithoutHeaderIsDroppedWithOneLine() throws Exception {
        Buffer buffer = buffer(ascii(SSH_VERSION));

        assertFalse(acceptor.acceptServerProxyMetadata(fake.session(), buffer));

        assertEquals(1, fake.closes());
        assertEquals(SSH_VERSION, unread(buffer), "nothing consumed");
        assertNull(fake.session().getAttribute(ClientAddress.OVERRIDE));
        assertEquals(List.of("INFO dropping 127.0.0.1:5555: no PROXY header (got 'SSH-2.0-Op...')"), lines());

        buffer.putRawBytes(ascii("more bytes before the close takes effect"));
        assertFalse(acceptor.acceptServerProxyMetadata(fake.session(), buffer));
        assertEquals(1, fake.closes(), "judged once");
        assertEquals(1, lines().size(), "logged once");
    }

    @Test
    void malformedHeaderIsDroppedWithItsReason() throws Exception {
        Buffer buffer = buffer(ascii("PROXY TCP4 127.0.0.3 127.0.0.1 x 2222\r\n" + SSH_VERSION));

        assertFalse(acceptor.acceptServerProxyMetadata(fake.session(), buffer));

        assertEquals(1, fake.closes());
        assertEquals(List.of("INFO dropping 127.0.0.1:5555: PROXY v1 header: bad source port 'x'"), lines());
        assertEquals(PEER, ClientAddress.of(fake.session()));
    }

    @Test
    void ipv6PeerIsBracketedInTheLog() throws Exception {
        FakeSession v6 = new FakeSession(new InetSocketAddress(InetAddress.getByName("::1"), 6000));

        assertFalse(acceptor.acceptServerProxyMetadata(v6.session(), buffer(ascii("GET / HTTP/1.1\r\n"))));

        assertEquals(List.of("INFO dropping [0:0:0:0:0:0:0:1]:6000: no PROXY header (got 'GET / HTTP...')"),
                lines());
    }

    private static byte[] v2Header() {
        return v2Header(0x21);
    }

    private static byte[] v2Header(int versionCommand) {
        return HeaderBytes.v2(versionCommand, 0x11,
                HeaderBytes.payload().ipv4(127, 0, 0, 3).ipv4(127, 0, 0, 1).u16(40000).u16(2222)).bytes();
    }

    private List<String> lines() {
        return logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private static Buffer buffer(byte[] bytes) {
        Buffer buffer = new ByteArrayBuffer();
        buffer.putRawBytes(bytes);
        return buffer;
    }

    private static String unread(Buffer buffer) {
        return new String(buffer.array(), buffer.rpos(), buffer.available(), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static InetAddress ip(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
