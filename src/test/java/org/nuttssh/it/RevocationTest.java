package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nuttssh.testing.FreePorts;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Editing authorized_keys reaches sessions already logged in: removed keys are cut off, shrunk rights shrink. */
class RevocationTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void aRemovedKeyIsDisconnectedAndItsNamesGo() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        relay.writeAuthorizedKeys("access=\"initiate\" {alice}");

        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT), "ssh ends when the relay disconnects it");
        assertTrue(listener.stderr().contains("your key was removed from the relay's authorized_keys"),
                listener.stderr());
        relay.awaitGone("gw1");
    }

    @Test
    void aKeyWhoseFromNoLongerMatchesIsDisconnected() throws Exception {
        relay.start("access=\"listen\" {gw}");
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        relay.writeAuthorizedKeys("access=\"listen\",from=\"10.0.0.0/8\" {gw}");

        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT));
        relay.awaitGone("gw1");
    }

    @Test
    void rightsThatShrinkAreTakenAwayFromTheLiveSession() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"listen\",access=\"initiate\",alias=\"office\" {both}");
        relay.listener("gw", "gw2", "gw2", "22:localhost:" + echo.port());
        int localPort = FreePorts.tcp();
        SshProcess both = relay.listener("both", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess forward = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":gw2:22", "relay-both"));
        RelayFixture.await(forward, "local forward port", () -> CircuitsTest.canConnect(localPort));
        assertEquals("echo\nvia gw2\n", RoundTrip.viaPort(localPort, "via gw2\n"));

        // initiate is gone: the listener and its alias stay, new circuits are refused.
        relay.writeAuthorizedKeys("access=\"listen\" {gw}", "access=\"listen\",alias=\"office\" {both}");
        RelayFixture.await("circuits refused", () -> exchange(localPort).isEmpty());
        RelayFixture.await(forward, "the refusal reason", () -> forward.stderr().contains("lacks access=\"initiate\""));
        assertTrue(relay.newestRecord("office").isPresent());

        // listen is gone and the alias too: the names are withdrawn, the connection and initiate stay.
        relay.writeAuthorizedKeys("access=\"listen\" {gw}", "access=\"initiate\" {both}");
        relay.awaitGone("gw1");
        relay.awaitGone("office");
        assertTrue(both.isAlive() && forward.isAlive(), "nobody was disconnected");
        RelayFixture.await("circuits allowed again", () -> exchange(localPort).equals("echo\nagain\n"));
    }

    @Test
    void aNewAliasFollowsTheFile() throws Exception {
        relay.start("access=\"listen\" {gw}");
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        relay.writeAuthorizedKeys("access=\"listen\",alias=\"office\" {gw}");

        RelayFixture.await("the new alias", () -> relay.newestRecord("office").isPresent());
        assertTrue(relay.newestRecord("gw1").isPresent());
    }

    private static String exchange(int port) {
        try {
            return RoundTrip.viaPort(port, "again\n");
        } catch (Exception reset) {
            return ""; // ssh resets a -L connection whose channel was refused
        }
    }
}
