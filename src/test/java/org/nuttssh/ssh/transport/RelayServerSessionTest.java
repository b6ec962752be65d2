package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.SshAlgorithms;
import org.nuttssh.testing.KeyPairs;
import org.nuttssh.testing.MinaLogin;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.kex.DHGEXClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyExchange;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.SshAlgorithms;

/**
 * The relay's choice of cipher against MINA's own client, whose default list puts chacha20-poly1305 and AES-CTR
 * before AES-GCM, as OpenSSH's does: its KEXINIT, sent at once, lets the relay choose. A client that waits for the
 * relay's KEXINIT first, spoken to on a raw socket, gets the full lists after a short wait, and chooses itself. In a
 * Diffie-Hellman group exchange the client asks for a group size, and whatever it asks, the relay's group is no
 * larger than its bound, since each doubling of the size costs the relay several times the CPU per handshake
 * (docs/performance.md), before the client has proven anything.
 */
class RelayServerSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String GROUP_EXCHANGE = "diffie-hellman-group-exchange-sha256";

    @TempDir
    Path dir;

    private final KeyPair key = KeyPairs.ed25519();
    private Relay relay;
    private SshClient client;

    @BeforeEach
    void start() throws Exception {
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "access=\"initiate\" " + PublicKeyEntry.toString(key.getPublic()) + "\n");
        relay = Relay.start(RelayConfig.builder().bind("127.0.0.1").port(0).authorizedKeys(keys).build(),
                KeyPairProvider.wrap(KeyPairs.ed25519()), AuthorizedKeys.load(keys));
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, serverKey) -> true);
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        relay.close();
    }

    private ClientSession login() throws Exception {
        client.start();
        return MinaLogin.login(client, "alice", relay.port(), key, TIMEOUT);
    }

    @Test
    void aClientThatSendsItsKexInitAtOnceGetsTheRelaysChoice() throws Exception {
        try (ClientSession session = login()) {
            assertEquals("aes128-gcm@openssh.com", session.getNegotiatedKexParameter(KexProposalOption.C2SENC));
            assertEquals("aes128-gcm@openssh.com", session.getNegotiatedKexParameter(KexProposalOption.S2CENC));
        }
    }

    /** RFC 4253 lets a client wait for the server's KEXINIT; none we know does, but one must not hang. */
    @Test
    void aClientThatWaitsForTheRelaysKexInitGetsTheFullListsAfterAShortWait() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", relay.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            // Timed from before the relay can have our line: its wait starts when the line arrives.
            long sent = System.nanoTime();
            socket.getOutputStream().write("SSH-2.0-Patient_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            String identification = readLine(in);
            assertTrue(identification.startsWith("SSH-2.0-Nuttssh_"), identification);

            byte[] packet = new byte[in.readInt()];
            in.readFully(packet);
            Duration waited = Duration.ofNanos(System.nanoTime() - sent);
            assertTrue(waited.compareTo(RelayServerSession.CLIENT_KEXINIT_WAIT) >= 0, "KEXINIT after " + waited);
            DataInputStream kexInit = new DataInputStream(new ByteArrayInputStream(packet, 1, packet.length - 1));
            assertEquals(SshConstants.SSH_MSG_KEXINIT, kexInit.readUnsignedByte());
            kexInit.skipNBytes(SshConstants.MSG_KEX_COOKIE_SIZE);
            List<String> lists = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] list = new byte[kexInit.readInt()];
                kexInit.readFully(list);
                lists.add(new String(list, StandardCharsets.US_ASCII));
            }
            assertEquals(String.join(",", SshAlgorithms.names(SshAlgorithms.defaults().ciphers())), lists.get(2));
            assertEquals(lists.get(2), lists.get(3));
        }
    }

    /** MINA's group exchange client, noting the size of each group the relay sends. */
    private static final class RecordingGroupExchange extends DHGEXClient {
        private final List<Integer> groups;

        RecordingGroupExchange(Session session, List<Integer> groups) {
            super(BuiltinDHFactories.dhgex256, session);
            this.groups = groups;
        }

        @Override
        public boolean next(int cmd, Buffer buffer) throws Exception {
            boolean done = super.next(cmd, buffer);
            if (cmd == SshConstants.SSH_MSG_KEX_DH_GEX_GROUP) {
                groups.add(getPValue().bitLength());
            }
            return done;
        }
    }

    /** Makes the client use group exchange only, asking for these sizes; returns where the groups' sizes go. */
    private List<Integer> askForGroups(int min, int preferred, int max) {
        List<Integer> groups = new CopyOnWriteArrayList<>();
        client.setKeyExchangeFactories(List.of(new KeyExchangeFactory() {
            @Override
            public KeyExchange createKeyExchange(Session session) {
                return new RecordingGroupExchange(session, groups);
            }

            @Override
            public String getName() {
                return GROUP_EXCHANGE;
            }
        }));
        CoreModuleProperties.PROP_DHGEX_CLIENT_MIN_KEY.set(client, min);
        CoreModuleProperties.PROP_DHGEX_CLIENT_PRF_KEY.set(client, preferred);
        CoreModuleProperties.PROP_DHGEX_CLIENT_MAX_KEY.set(client, max);
        return groups;
    }

    @ParameterizedTest(name = "{0} <= {1} <= {2} gets {3} bits")
    @CsvSource({
        "2048, 8192, 8192, 4096", // OpenSSH with a 256-bit cipher or MAC; a client out to make the relay work
        "2048, 3072, 8192, 3072", // OpenSSH with aes128-gcm, as the relay chooses for it
        "2048, 2048, 2048, 2048"})
    void aGroupExchangeGetsNoGroupLargerThanTheRelaysBound(int min, int preferred, int max, int bits)
            throws Exception {
        List<Integer> groups = askForGroups(min, preferred, max);

        try (ClientSession session = login()) {
            assertEquals(GROUP_EXCHANGE, session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS));
        }
        assertEquals(List.of(bits), groups);
    }

    @Test
    void aClientThatWillTakeOnlyGroupsLargerThanTheBoundGetsNone() {
        List<Integer> groups = askForGroups(6144, 8192, 8192);

        assertThrows(Exception.class, this::login);
        assertEquals(List.of(), groups);
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("after " + line);
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }
}
