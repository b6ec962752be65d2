package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How listeners come and go: cancel on a ControlMaster, and keepalive dropping a client that stopped answering. */
class ListenerLifecycleTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.keepAlive(Duration.ofSeconds(1), 2);
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void cancelOnControlMasterRemovesListenerThenName() throws Exception {
        String socket = relay.dir().resolve("ctl").toString();
        String http = "80:localhost:" + echo.port();
        String ssh = "22:localhost:" + echo.port();
        SshProcess master = relay.start(relay.ssh("-M", "-S", socket, "-N", "-o", "ExitOnForwardFailure=yes",
                "-l", "gw1", "-R", ssh, "-R", http, "relay-gw"));
        RelayFixture.await(master, "both listeners", () -> relay.newestRecord("gw1")
                .map(r -> r.ports().keySet().equals(Set.of(22, 80))).orElse(false));
        // A circuit proves the master has read our forward replies: OpenSSH mishandles a reply after a cancel.
        assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:80", "relay-alice")).stdout());

        SshProcess cancel = relay.run(relay.ssh("-S", socket, "-O", "cancel", "-R", http, "-l", "gw1", "relay-gw"));
        assertEquals(0, cancel.process().exitValue(), cancel.stderr());
        RelayFixture.await(master, "port 80 cancelled", () -> relay.newestRecord("gw1")
                .map(r -> r.ports().keySet().equals(Set.of(22))).orElse(false));
        SshProcess refused = relay.run(relay.ssh("-W", "gw1:80", "relay-alice"));
        assertTrue(refused.stderr().contains("gw1 does not listen on port 80"), refused.stderr());

        relay.run(relay.ssh("-S", socket, "-O", "cancel", "-R", ssh, "-l", "gw1", "relay-gw"));
        relay.awaitGone("gw1");
        assertTrue(master.isAlive(), "cancelling forwards keeps the connection");
    }

    @Test
    void keepAliveKeepsHealthyIdleListenerAndDropsFrozenOne() throws Exception {
        SshProcess healthy = relay.listener("gw", "idle", "idle", "22:localhost:" + echo.port());
        SshProcess frozen = relay.listener("gw", "frozen", "frozen", "22:localhost:" + echo.port());

        RelayFixture.exec(List.of("kill", "-STOP", String.valueOf(frozen.pid())));
        try {
            relay.awaitGone("frozen");
        } finally {
            RelayFixture.exec(List.of("kill", "-CONT", String.valueOf(frozen.pid())));
        }

        assertTrue(healthy.isAlive());
        assertTrue(relay.newestRecord("idle").isPresent(), "an idle client that answers probes stays registered");
        assertEquals("echo\n", relay.run(relay.ssh("-W", "idle:22", "relay-alice")).stdout());
    }
}
