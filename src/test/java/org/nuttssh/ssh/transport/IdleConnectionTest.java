package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.KeyPairs;
import org.nuttssh.testing.SshKeygen;

/**
 * What an idle connection keeps, the relay's sessions against MINA's own client: a small socket read buffer that
 * grows while the peer sends in bulk and shrinks when it goes quiet, and a packet decoder's buffer that shrinks back
 * to its starting size as well; once the keys are exchanged, no KEXINIT payloads
 * and of the client's algorithm lists only the relay's choices (a later exchange records its own, and works).
 */
class IdleConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The busy read buffer of this test's server. */
    private static final int BUSY = 8 * 1024;

    private final RelaySshServer sshd = (RelaySshServer) ServerBuilder.builder().factory(RelaySshServer::new)
            .build();
    private final SshClient client = SshClient.setUpDefaultClient();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        sshd.setIoServiceFactoryFactory(FixedPoolIoServiceFactory.withThreads(1));
        sshd.setKeyPairProvider(KeyPairProvider.wrap(KeyPairs.ed25519()));
        sshd.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE); // for OpenSSH's client
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(sshd, BUSY);
        sshd.start();
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        sshd.stop(true);
    }

    /** A connection whose keys are exchanged, waiting for the client to log in. */
    private ClientSession connect() throws Exception {
        ClientSession session = client.connect("alice", "127.0.0.1", sshd.getPort())
                .verify(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getSession();
        session.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.WAIT_AUTH), TIMEOUT);
        return session;
    }

    /** The server's session of the only connection. */
    private RelayServerSession serverSession() {
        Await.until("the server's session", () -> sshd.getActiveSessions().size() == 1);
        return (RelayServerSession) sshd.getActiveSessions().get(0);
    }

    @Test
    void theReadBufferIsSmallWhileIdleAndFullSizeWhileThePeerSendsInBulk() throws Exception {
        try (ClientSession session = connect()) {
            AdaptiveReadSession io = (AdaptiveReadSession) serverSession().getIoSession();
            // The key exchange's last read may have filled the small buffer (packets coalesce in TCP): a small one
            // after it is what an idle device's keepalive is.
            session.sendIgnoreMessage(new byte[8]).verify(TIMEOUT);
            Await.until("the small buffer after a small packet",
                    () -> io.readBuffer() == AdaptiveReadSession.IDLE_BUFFER);

            session.sendIgnoreMessage(new byte[64 * 1024]).verify(TIMEOUT);
            Await.until("a full-size buffer while a large packet comes in", () -> io.readBuffer() == BUSY);

            session.sendIgnoreMessage(new byte[8]).verify(TIMEOUT);
            Await.until("the small buffer again after another small packet",
                    () -> io.readBuffer() == AdaptiveReadSession.IDLE_BUFFER);
        }
    }

    @Test
    void theDecoderBufferGoesBackToItsStartingSizeAfterASmallReadAndStillDecodesLargePackets() throws Exception {
        try (ClientSession session = connect()) {
            RelayServerSession server = serverSession();
            // The client's KEXINIT (about 1.4 KB of algorithm lists) grew it; a keepalive-sized packet shrinks it.
            awaitStartingSizeAfterSmallPackets(session, server, "after small packets");

            // Larger than the small buffer, in pieces: it grows again for the packet, and the session goes on.
            session.sendIgnoreMessage(new byte[64 * 1024]).verify(TIMEOUT);
            awaitStartingSizeAfterSmallPackets(session, server, "again after the large packet and small ones");
            assertTrue(session.reExchangeKeys().verify(TIMEOUT).isDone(), "the session still decodes its packets");
            assertTrue(server.isOpen());
        }
    }

    /**
     * Sends a keepalive-sized packet at each look until the decoder's buffer is back to its starting size: a small
     * packet read together with the end of a large one is one large read, which leaves the buffer as it is, as a
     * keepalive's read would be on a busy connection; the next one read alone shrinks it.
     */
    private static void awaitStartingSizeAfterSmallPackets(ClientSession session, RelayServerSession server,
                                                           String when) {
        Await.until("the decoder's starting size " + when, () -> {
            try {
                session.sendIgnoreMessage(new byte[8]).verify(TIMEOUT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return server.decoderBuffer() == ByteArrayBuffer.DEFAULT_SIZE;
        });
    }

    /** OpenSSH's KEXINIT (its post-quantum and certificate algorithms included) is over a kilobyte as well. */
    @Test
    void anOpenSshClientsDecoderBufferIsBackToItsStartingSizeOnceItIsLoggedIn() throws Exception {
        Path key = new SshKeygen(dir).key("device");
        Process ssh = new ProcessBuilder("ssh", "-N", "-F", "/dev/null", "-i", key.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ServerAliveInterval=1",
                "-p", Integer.toString(sshd.getPort()), "device@127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ssh.log").toFile()).start();
        try {
            RelayServerSession server = serverSession();
            Await.until("the OpenSSH client logged in", server::isAuthenticated);
            Await.until("the decoder's starting size", () -> server.decoderBuffer() == ByteArrayBuffer.DEFAULT_SIZE);
            assertTrue(ssh.isAlive(), "ssh still connected");
        } finally {
            ssh.destroy();
            ssh.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void theKexInitLeftoversAreDroppedOnceTheKeysAreExchangedAndAReExchangeStillWorks() throws Exception {
        try (ClientSession session = connect()) {
            RelayServerSession server = serverSession();
            Await.until("the server's key exchange to end", () -> server.isOpen() && kexInitSizes(server) < 4);
            assertArrayEquals(new byte[] {SshConstants.SSH_MSG_KEXINIT}, kexInit(server, "clientKexData"));
            assertArrayEquals(new byte[] {SshConstants.SSH_MSG_KEXINIT}, kexInit(server, "serverKexData"));
            Map<KexProposalOption, String> chosen = new EnumMap<>(KexProposalOption.class);
            ServerPreference.CHOSEN_BY_RELAY.forEach(option -> chosen.put(option,
                    server.getNegotiatedKexParameter(option)));
            assertEquals(chosen, server.getClientKexProposals(), "the client's lists, but for the relay's choices");

            byte[] before = server.getSessionId();
            assertTrue(session.reExchangeKeys().verify(TIMEOUT).isDone());
            Await.until("the re-exchange's payloads dropped too", () -> kexInitSizes(server) < 4);
            session.sendIgnoreMessage(new byte[8]).verify(TIMEOUT); // sent with the new keys

            // One the relay starts is narrowed to what it chose from the lists it no longer has: the same choices.
            assertTrue(server.reExchangeKeys().verify(TIMEOUT).isDone());
            Await.until("the relay's re-exchange to end", () -> kexInitSizes(server) < 4);
            chosen.forEach((option, name) ->
                    assertEquals(name, server.getNegotiatedKexParameter(option), option.name()));
            session.sendIgnoreMessage(new byte[8]).verify(TIMEOUT);
            assertArrayEquals(before, server.getSessionId());
            assertTrue(server.isOpen(), "the session survives its re-exchange");
        }
    }

    @Test
    void sessionsShareTheRelaysListsAndTheNegotiatedNames() throws Exception {
        try (ClientSession first = connect(); ClientSession second = connect()) {
            Await.until("both server sessions", () -> sshd.getActiveSessions().size() == 2);
            RelayServerSession one = (RelayServerSession) sshd.getActiveSessions().get(0);
            RelayServerSession two = (RelayServerSession) sshd.getActiveSessions().get(1);
            Await.until("both key exchanges to end", () -> kexInitSizes(one) + kexInitSizes(two) < 8);
            for (KexProposalOption option : KexProposalOption.VALUES) {
                assertSame(one.getServerKexProposals().get(option), two.getServerKexProposals().get(option),
                        option.name());
                assertSame(one.getNegotiatedKexParameter(option), two.getNegotiatedKexParameter(option),
                        option.name());
            }
        }
    }

    private static int kexInitSizes(RelayServerSession session) {
        return kexInit(session, "clientKexData").length + kexInit(session, "serverKexData").length;
    }

    /** MINA's own field: its getter is protected, and the test is not a session. */
    private static byte[] kexInit(RelayServerSession session, String field) {
        try {
            Field data = AbstractSession.class.getDeclaredField(field);
            data.setAccessible(true);
            return (byte[]) data.get(session);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
