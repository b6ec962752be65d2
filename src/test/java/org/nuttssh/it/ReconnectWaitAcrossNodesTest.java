package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A device moving from node B to node A, as a drain moves it: an open on A in the gap waits for it (reconnect-wait,
 * at its default) and reaches it where it registered again. A learns of the departure from the removal it mirrors.
 */
class ReconnectWaitAcrossNodesTest {

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-reconnect");

    @Test
    void openOnOneNodeInTheGapReachesTheDeviceMovedToIt() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = a.target("echo", TcpTarget.Mode.ECHO);
        cluster.start(List.of("access=\"listen\" {gw}", "access=\"initiate\" {alice}"),
                List.of("access=\"listen\" {gw}"));
        SshProcess onB = b.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        RelayFixture.await("gw1 known on A", () -> a.newestRecord("gw1").isPresent());

        onB.close(); // the device leaves B (a drain let it go) ...
        RelayFixture.await("gw1 gone on A", () -> a.newestRecord("gw1").isEmpty());
        Path empty = Files.createFile(a.dir().resolve("empty-stdin-initiator"));
        SshProcess initiator = a.start(a.ssh("-W", "gw1:22", "relay-alice"), empty);
        Thread.sleep(1_000); // the open is in, waiting, when the device comes back
        assertTrue(initiator.isAlive(), "the open waits: " + initiator.stderr());
        a.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port()); // ... and reconnects to A

        assertEquals(0, initiator.waitFor(RelayFixture.TIMEOUT), initiator.stderr());
        assertEquals("echo\n", initiator.stdout());
    }
}
