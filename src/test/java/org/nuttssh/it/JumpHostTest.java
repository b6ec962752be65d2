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
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
    }

    @Test
    void jumpThroughRelayLogsIntoSshdBehindListener() throws Exception {
        int sshdPort = startSshd(relay.publicKey("alice"));
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + sshdPort);

        String user = System.getProperty("user.name");
        SshProcess jump = relay.run(relay.ssh("-J", "relay-alice", "-i", relay.key("alice").toString(),
                "-l", user, "gw1", "echo", "logged-in-behind-the-relay"));

        assertEquals(0, jump.process().exitValue(), jump.stderr());
        assertEquals("logged-in-behind-the-relay\n", jump.stdout());
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
