package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.SshKeygen;

import ch.qos.logback.classic.spi.ILoggingEvent;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Editing authorized_keys or revoked-keys reaches sessions already logged in: removed or revoked keys are cut off,
 * shrunk rights shrink.
 */
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

    /** The operator's recipe for a lost device whose CA is not at hand: {@code ssh-keygen -k -s none}. */
    @Test
    void aSerialRevokedForAnyCaDisconnectsItsDeviceAndNobodyElse() throws Exception {
        Path revoked = relay.dir().resolve("revoked.krl");
        SshKeygen.krl(revoked, null);
        relay.configure(c -> c.certificates(new CertificateConfig(revoked, true, null)));
        relay.start("cert-authority,access=\"listen\" {ca}", "access=\"listen\" {plain}");
        relay.certify("gw42", relay.key("ca"), "-n", "gw42", "-z", "42");
        relay.certify("gw43", relay.key("ca"), "-n", "gw43", "-z", "43");
        SshProcess device = relay.listener("gw42", "gw42", "gw42", "22:localhost:" + echo.port());

        try (LogCapture log = new LogCapture(RevokedKeys.class)) {
            Path spec = relay.dir().resolve("spec");
            Files.writeString(spec, "serial: 42\n", StandardCharsets.UTF_8);
            SshKeygen.krlForAnyCa(revoked, false, spec);
            assertEquals(255, device.waitFor(RelayFixture.TIMEOUT), "ssh ends when the relay disconnects it");
            assertTrue(device.stderr().contains("your key or certificate was revoked"), device.stderr());
            relay.awaitGone("gw42");
            // Read on a thread of its own: a large file must not hold up the timer that keeps clients alive.
            ILoggingEvent reload = log.events().stream()
                    .filter(event -> event.getFormattedMessage().startsWith("reloaded revoked-keys")).findFirst()
                    .orElseThrow(() -> new AssertionError(log.lines()));
            assertEquals("nuttssh-files", reload.getThreadName(), reload.getFormattedMessage());
        }
        assertEquals(255, relay.run(relay.ssh("relay-gw42", "whoami")).process().exitValue());
        for (String other : new String[] {"gw43", "plain"}) {
            SshProcess whoami = relay.run(relay.ssh("relay-" + other, "whoami"));
            assertEquals(0, whoami.process().exitValue(), other + ": " + whoami.stderr());
        }
    }

    private static String exchange(int port) {
        try {
            return RoundTrip.viaPort(port, "again\n");
        } catch (Exception reset) {
            return ""; // ssh resets a -L connection whose channel was refused
        }
    }
}
