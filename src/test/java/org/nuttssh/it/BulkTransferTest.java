package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1 GiB through one circuit between two real OpenSSH clients, with both clients re-keying every 256 MiB, must arrive
 * byte-exact; the target's answer travels back after the initiator's EOF, so half-close is proven too.
 */
@Tag("slow")
class BulkTransferTest {

    private static final long SIZE = 1L << 30;
    private static final int CHUNK = 1 << 20;

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @BeforeEach
    void start() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
    }

    @Test
    void oneGibibyteArrivesByteExactAcrossKeyReexchanges() throws Exception {
        TcpTarget sink = relay.target(null, TcpTarget.Mode.DIGEST);
        relay.start(relay.ssh("-o", "RekeyLimit=256M", "-N", "-o", "ExitOnForwardFailure=yes", "-l", "gw1",
                "-R", "9000:localhost:" + sink.port(), "relay-gw"));
        RelayFixture.await("listener", () -> relay.newestRecord("gw1").isPresent());

        SshProcess initiator = relay.start(relay.ssh("-o", "RekeyLimit=256M", "-W", "gw1:9000", "relay-alice"));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(1878);
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = initiator.stdin()) {
            for (long sent = 0; sent < SIZE; sent += CHUNK) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
        }
        initiator.waitFor(RelayFixture.TIMEOUT.multipliedBy(6));

        assertEquals(SIZE + " " + HexFormat.of().formatHex(digest.digest()) + "\n", initiator.stdout(),
                initiator.stderr());
    }
}
