package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.SshKeygen;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original use case end to end: a real sshd behind a listening client, reached by name with
 * {@code ssh -J relay NAME}, two SSH layers deep.
 */
class JumpHostTest {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(SSHD) || System.getenv("CI") != null, "openssh-server is not installed");
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}",
                "access=\"listen\",hostname=\"GW-Office\" {office}");
    }

    @Test
    void jumpThroughRelayLogsIntoSshdBehindListener() throws Exception {
        assertJumpsBehind("gw", "gw1", "gw1");
    }

    /** OpenSSH lower-cases the host of {@code ssh -J relay GW-Office} and asks the relay for {@code gw-office:22}. */
    @Test
    void jumpToANameInCapitalsReachesTheKeyThatGivesIt() throws Exception {
        assertJumpsBehind("office", "office", "GW-Office");
    }

    /**
     * Starts an sshd behind a listening client (the role's key, logged in as {@code user}, registered as
     * {@code name}) and logs in to it with {@code ssh -J relay name}.
     */
    private void assertJumpsBehind(String role, String user, String name) throws Exception {
        int sshdPort = startSshd(relay.publicKey("alice"));
        relay.listener(role, user, name, "22:localhost:" + sshdPort);

        SshProcess jump = relay.run(relay.ssh("-J", "relay-alice", "-i", relay.key("alice").toString(),
                "-l", System.getProperty("user.name"), name, "echo", "logged-in-behind-" + name));

        assertEquals(0, jump.process().exitValue(), jump.stderr());
        assertEquals("logged-in-behind-" + name + "\n", jump.stdout());
    }

    /** A throwaway sshd on a loopback port that lets {@code authorizedKey} in as the current user. */
    private int startSshd(String authorizedKey) throws Exception {
        Path hostKey = new SshKeygen(relay.dir()).key("sshd_host_key");
        Path authorized = relay.dir().resolve("sshd_authorized_keys");
        Files.writeString(authorized, authorizedKey + "\n", StandardCharsets.UTF_8);
        Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory sshd insists on
        int port = FreePorts.tcp();
        Path config = relay.dir().resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "PidFile none",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                ""), StandardCharsets.UTF_8);
        SshProcess sshd = relay.start(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()));
        RelayFixture.await("sshd on port " + port, () -> CircuitsTest.canConnect(port) || !sshd.isAlive());
        if (!sshd.isAlive()) {
            throw new AssertionError("sshd did not start: " + sshd.stderr());
        }
        return port;
    }
}
