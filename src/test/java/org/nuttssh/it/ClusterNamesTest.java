package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Names are case-insensitive across nodes too: every node indexes the records it mirrors by the folded name, while
 * the records keep the spelling they were written with.
 */
class ClusterNamesTest {

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-names");

    @Test
    void aNameListeningOnOneNodeIsReachedInAnyCaseFromTheOther() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = a.target("echo", TcpTarget.Mode.ECHO);
        cluster.start(List.of("access=\"listen\",hostname=\"GW-Office\" {office}"),
                List.of("access=\"initiate\" {alice}"));

        a.listener("office", "office", "GW-Office", "22:localhost:" + echo.port());
        RelayFixture.await("GW-Office known on B as gw-office", () -> b.newestRecord("gw-office").isPresent());

        SshProcess circuit = b.run(b.ssh("-W", "gw-office:22", "relay-alice"));
        assertEquals("echo\n", circuit.stdout(), circuit.stderr());
        SshProcess list = b.run(b.ssh("relay-alice", "list", "GW-OFF*"));
        assertTrue(list.stdout().lines().anyMatch(line -> line.startsWith("GW-Office ")), list.stdout());
    }
}
