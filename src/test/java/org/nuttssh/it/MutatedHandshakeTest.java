package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.Mutator;

import ch.qos.logback.classic.Level;

/**
 * Raw sockets sending what an SSH client sends before it authenticates (its version line, KEXINIT, its key exchange
 * value, requests out of turn), mutated, while a listening client and an initiator use the relay. The relay drops
 * each bad connection, keeps none of them, logs no error, and serves the others throughout.
 */
class MutatedHandshakeTest {

    /** Connections sent per seed: enough to hit every field of the packets several times, a few seconds in all. */
    private static final int CASES_PER_SEED = 120;
    /** Fixed, so that a failure can be replayed; each case draws from its own Random seeded with this plus its n. */
    private static final long SEED = 0x5eed_14L;
    private static final int SSH_MSG_SERVICE_REQUEST = 5;
    private static final int SSH_MSG_KEXINIT = 20;
    private static final int SSH_MSG_KEX_ECDH_INIT = 30;
    private static final int SSH_MSG_USERAUTH_REQUEST = 50;
    private static final byte[] VERSION = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void mutatedPacketsBeforeAuthenticationAreDroppedAndOthersAreServed() throws Exception {
        TcpTarget echo = relay.target("echo", TcpTarget.Mode.ECHO);
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        int baseline = relay.server().statistics().connectionsOpen();

        List<byte[]> seeds = List.of(VERSION,
                concat(VERSION, packet(kexInit())),
                concat(VERSION, packet(kexInit()), packet(ecdhInit())),
                concat(VERSION, packet(serviceRequest())),
                concat(VERSION, packet(kexInit()), packet(userauthRequest())));
        int sent = 0;
        try (LogCapture log = new LogCapture("org.nuttssh")) {
            for (int s = 0; s < seeds.size(); s++) {
                for (int n = 0; n < CASES_PER_SEED; n++) {
                    long caseSeed = SEED + s * 1_000_003L + n;
                    send(Mutator.mutate(seeds.get(s), new Random(caseSeed)));
                    sent++;
                }
                assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:22", "relay-alice")).stdout(),
                        "served while seed " + s + " was being mutated");
            }
            assertTrue(listener.isAlive(), "the listening client stayed connected");
            RelayFixture.await("every mutated connection to be closed",
                    () -> relay.server().statistics().connectionsOpen() == baseline);
            List<String> errors = log.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
            assertEquals(List.of(), errors, "bad input is routine on an open port, not a warning");
        }
        assertEquals(seeds.size() * CASES_PER_SEED, sent);
        assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:22", "relay-alice")).stdout());
    }

    /** Sends the bytes, takes whatever the relay answers for a moment, and hangs up. */
    private void send(byte[] bytes) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            socket.setSoTimeout(20);
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // the relay's version line and KEXINIT, then its hang-up, or silence while it waits for more
            }
        } catch (SocketTimeoutException | SocketException waitingOrGone) {
            // either is a fine answer to garbage
        }
    }

    /** An unencrypted binary packet (RFC 4253 section 6): length, padding length, payload, padding to 8 bytes. */
    private static byte[] packet(byte[] payload) {
        int padding = 8 - (5 + payload.length) % 8;
        if (padding < 4) {
            padding += 8;
        }
        ByteBuffer packet = ByteBuffer.allocate(5 + payload.length + padding);
        packet.putInt(1 + payload.length + padding).put((byte) padding).put(payload).put(new byte[padding]);
        return packet.array();
    }

    /** What OpenSSH offers, trimmed to one algorithm of each kind the relay supports. */
    private static byte[] kexInit() {
        Payload payload = new Payload(SSH_MSG_KEXINIT).bytes(new byte[16]);
        for (String list : List.of("curve25519-sha256,ext-info-c", "ssh-ed25519", "aes128-gcm@openssh.com",
                "aes128-gcm@openssh.com", "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "")) {
            payload.string(list.getBytes(StandardCharsets.US_ASCII));
        }
        return payload.bytes(new byte[] {0, 0, 0, 0, 0}).done();
    }

    private static byte[] ecdhInit() {
        byte[] point = new byte[32];
        new Random(SEED).nextBytes(point);
        return new Payload(SSH_MSG_KEX_ECDH_INIT).string(point).done();
    }

    private static byte[] serviceRequest() {
        return new Payload(SSH_MSG_SERVICE_REQUEST).string("ssh-userauth".getBytes(StandardCharsets.US_ASCII))
                .done();
    }

    private static byte[] userauthRequest() {
        Payload payload = new Payload(SSH_MSG_USERAUTH_REQUEST);
        for (String field : List.of("alice", "ssh-connection", "none")) {
            payload.string(field.getBytes(StandardCharsets.US_ASCII));
        }
        return payload.done();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** An SSH message: its number, then fields. */
    private static final class Payload {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Payload(int message) {
            out.write(message);
        }

        Payload bytes(byte[] raw) {
            out.writeBytes(raw);
            return this;
        }

        Payload string(byte[] value) {
            return bytes(ByteBuffer.allocate(4).putInt(value.length).array()).bytes(value);
        }

        byte[] done() {
            return out.toByteArray();
        }
    }
}
