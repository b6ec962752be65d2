package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nuttssh.testing.FreePorts;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every refusal, seen from stock OpenSSH clients: permissions, from=, bad names and ports, commands. */
class AccessTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.start(
                "access=\"listen\" {gw}",
                "access=\"initiate\" {alice}",
                "access=\"listen\",access=\"initiate\" {both}",
                "{nobody}",
                "access=\"initiate\",from=\"10.0.0.0/8\" {faraway}",
                "access=\"initiate\",from=\"127.0.0.0/8\",from=\"!127.0.0.1,*\" {negated}",
                "access=\"initiate\",from=\"192.168.0.0/16,127.0.0.1\",from=\"127.0.0.*\" {local}",
                "access=\"initiate\",from=\"127.0.0.1\",from=\"10.*\" {half}");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void listenWithoutPermissionIsRefused() throws Exception {
        SshProcess listener = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "22:localhost:" + echo.port(), "relay-alice"));

        assertNotEquals(0, listener.process().exitValue());
        assertTrue(listener.stderr().contains("remote port forwarding failed for listen port 22"), listener.stderr());
        assertTrue(relay.newestRecord("alice").isEmpty());
    }

    @Test
    void initiateWithoutPermissionIsRefusedWithReason() throws Exception {
        relay.listener("both", "gw1", "gw1", "22:localhost:" + echo.port());

        SshProcess initiator = relay.run(relay.ssh("-W", "gw1:22", "relay-gw"));

        assertNotEquals(0, initiator.process().exitValue());
        assertTrue(initiator.stderr().contains("administratively prohibited"), initiator.stderr());
        assertTrue(initiator.stderr().contains("lacks access=\"initiate\""), initiator.stderr());
    }

    @Test
    void keyWithoutAccessLogsInButCanDoNothing() throws Exception {
        SshProcess list = relay.run(relay.ssh("relay-nobody", "list"));
        assertEquals(1, list.process().exitValue());
        assertTrue(list.stderr().contains("Permission denied"), list.stderr());

        SshProcess listener = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "22:localhost:" + echo.port(), "relay-nobody"));
        assertTrue(listener.stderr().contains("remote port forwarding failed"), listener.stderr());
    }

    @Test
    void unknownNamePortAndListenerRefusalFailOnlyThatChannel() throws Exception {
        int closedPort = FreePorts.tcp();
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port(),
                "23:localhost:" + closedPort);

        SshProcess unknownName = relay.run(relay.ssh("-W", "nosuch:22", "relay-alice"));
        assertTrue(unknownName.stderr().contains("no listening client named 'nosuch'"), unknownName.stderr());

        SshProcess unknownPort = relay.run(relay.ssh("-W", "gw1:80", "relay-alice"));
        assertTrue(unknownPort.stderr().contains("gw1 does not listen on port 80 (it listens on 22, 23)"),
                unknownPort.stderr());

        SshProcess refused = relay.run(relay.ssh("-W", "gw1:23", "relay-alice"));
        assertTrue(refused.stderr().contains("gw1:23: "), refused.stderr());
        assertTrue(refused.stderr().toLowerCase().contains("connect failed"), refused.stderr());

        assertTrue(listener.isAlive(), "the listener survives its refused circuit");
        assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:22", "relay-alice")).stdout());
    }

    @Test
    void portZeroAndDuplicatePortsAreRefused() throws Exception {
        SshProcess zero = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-l", "gw1",
                "-R", "0:localhost:" + echo.port(), "relay-gw"));
        assertNotEquals(0, zero.process().exitValue());
        assertTrue(zero.stderr().contains("remote port forwarding failed"), zero.stderr());

        SshProcess twice = relay.run(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-l", "gw1",
                "-R", "22:localhost:" + echo.port(), "-R", "22:127.0.0.1:" + echo.port(), "relay-gw"));
        assertNotEquals(0, twice.process().exitValue());
        assertTrue(twice.stderr().contains("remote port forwarding failed for listen port 22"), twice.stderr());
    }

    @Test
    void fromOptionRestrictsWhereAKeyMayLogInFrom() throws Exception {
        SshProcess faraway = relay.run(relay.ssh("relay-faraway", "list"));
        assertEquals(255, faraway.process().exitValue());
        assertTrue(faraway.stderr().contains("Permission denied (publickey)"), faraway.stderr());

        SshProcess negated = relay.run(relay.ssh("relay-negated", "list"));
        assertEquals(255, negated.process().exitValue(), "a negated match denies although 127.0.0.0/8 matches");

        SshProcess half = relay.run(relay.ssh("relay-half", "list"));
        assertEquals(255, half.process().exitValue(), "every repeated from= must match, not just one");

        SshProcess local = relay.run(relay.ssh("relay-local", "list"));
        assertEquals(0, local.process().exitValue(), "each repeated from= matched: " + local.stderr());
    }

    @Test
    void listShowsListenersToInitiatorsOnly() throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port(), "80:localhost:" + echo.port());

        SshProcess list = relay.run(relay.ssh("relay-alice", "list"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertTrue(list.stdout().startsWith("NAME"), list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.matches("gw1 +127\\.0\\.0\\.1:\\d+ +- +22,80")), list.stdout());

        SshProcess shell = relay.run(relay.ssh("-T", "relay-alice"));
        assertEquals(list.stdout(), shell.stdout(), "a shell request lists too");

        SshProcess denied = relay.run(relay.ssh("relay-gw", "list"));
        assertEquals(1, denied.process().exitValue());
        assertTrue(denied.stderr().contains("Permission denied"), denied.stderr());

        SshProcess unknown = relay.run(relay.ssh("relay-alice", "reboot", "now"));
        assertEquals(2, unknown.process().exitValue());
        assertTrue(unknown.stderr().contains("usage: list"), unknown.stderr());
    }

    @Test
    void everythingButKeysAndRelayFeaturesIsRefused() throws Exception {
        SshProcess password = relay.run(relay.ssh("-o", "PreferredAuthentications=password,keyboard-interactive",
                "relay-alice", "list"));
        assertEquals(255, password.process().exitValue());
        assertTrue(password.stderr().contains("Permission denied (publickey)"), password.stderr());

        SshProcess sftp = relay.run(relay.ssh("-s", "relay-alice", "sftp"));
        assertNotEquals(0, sftp.process().exitValue());
        assertTrue(sftp.stderr().contains("subsystem request failed"), sftp.stderr());

        SshProcess pty = relay.run(relay.ssh("-tt", "relay-alice", "list"));
        assertTrue(pty.stderr().contains("PTY allocation request failed"), pty.stderr());
    }

    @Test
    void editedAuthorizedKeysTakeEffectWithoutRestart() throws Exception {
        relay.key("newcomer");
        SshProcess before = relay.run(relay.ssh("relay-newcomer", "list"));
        assertEquals(255, before.process().exitValue(), "not in the file yet");
        assertTrue(before.stderr().contains("Permission denied (publickey)"), before.stderr());

        relay.writeAuthorizedKeys("access=\"initiate\" {newcomer}", "access=\"listen\" {gw}");
        RelayFixture.await("new key accepted", () -> exitStatus(relay.ssh("relay-newcomer", "list")) == 0);

        SshProcess removed = relay.run(relay.ssh("relay-alice", "list"));
        assertEquals(255, removed.process().exitValue(), "alice's line is gone: " + removed.stderr());
    }

    @Test
    void firstOfferedKeyThatTheFileAcceptsDecidesTheRights() throws Exception {
        // ssh offers keys in IdentityFile order: an unknown key, then a listen-only one, then an initiate one.
        SshProcess list = relay.run(relay.ssh("-o", "IdentityFile=" + relay.key("stranger"),
                "-o", "IdentityFile=" + relay.key("gw"), "-o", "IdentityFile=" + relay.key("alice"),
                "-p", String.valueOf(relay.port()), "-l", "multi", "127.0.0.1", "list"));

        assertEquals(1, list.process().exitValue(), "the listen-only key was used: " + list.stderr());
        assertTrue(list.stderr().contains("Permission denied"), list.stderr());
    }

    private int exitStatus(java.util.List<String> command) {
        try {
            return relay.run(command).process().exitValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
