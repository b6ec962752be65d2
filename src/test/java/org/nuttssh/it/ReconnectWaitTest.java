package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An open to a device that has just disconnected waits for it to reconnect (reconnect-wait), with OpenSSH on both
 * ends: a device moving between nodes, or redialling, stays reachable; a name that does not come back, or never was,
 * is refused as before.
 */
class ReconnectWaitTest {

    private static final String REFUSAL = "no listening client named 'gw1'";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    private TcpTarget start(Duration reconnectWait) throws Exception {
        relay.configure(c -> c.reconnectWait(reconnectWait));
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        return relay.target("echo", TcpTarget.Mode.ECHO);
    }

    private SshProcess startInitiator(String target) throws Exception {
        Path empty = Files.createFile(relay.dir().resolve("stdin-" + System.nanoTime()));
        return relay.start(relay.ssh("-W", target, "relay-alice"), empty);
    }

    @Test
    void openInTheGapReachesTheDeviceOnceItReconnects() throws Exception {
        TcpTarget echo = start(Duration.ofSeconds(20));
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port()).close();
        relay.awaitGone("gw1");

        SshProcess initiator = startInitiator("GW1:22"); // any case: the name is the same
        Thread.sleep(1_000); // the open is in, waiting, when the device comes back
        assertTrue(initiator.isAlive(), "the open waits: " + initiator.stderr());
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        assertEquals(0, initiator.waitFor(RelayFixture.TIMEOUT), initiator.stderr());
        assertEquals("echo\n", initiator.stdout());
    }

    @Test
    void nameThatDoesNotComeBackIsRefusedAfterTheWait() throws Exception {
        Duration wait = Duration.ofSeconds(2);
        TcpTarget echo = start(wait);
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port()).close();
        relay.awaitGone("gw1");

        long before = System.nanoTime();
        SshProcess refused = relay.run(relay.ssh("-W", "gw1:22", "relay-alice"));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertTrue(refused.stderr().contains(REFUSAL), refused.stderr());
        assertTrue(took.compareTo(wait) >= 0, "refused after " + took + ", before the wait of " + wait + " was over");
    }

    @Test
    void nameNeverSeenIsRefusedAtOnce() throws Exception {
        Duration wait = Duration.ofSeconds(60);
        start(wait);

        long before = System.nanoTime();
        SshProcess refused = relay.run(relay.ssh("-W", "gw1:22", "relay-alice"));
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertTrue(refused.stderr().contains(REFUSAL), refused.stderr());
        assertTrue(took.compareTo(RelayFixture.TIMEOUT) < 0, "a name never seen waited " + took);
    }
}
