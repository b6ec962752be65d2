package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original use case end to end: a real sshd behind a listening client, reached by name with
 * {@code ssh -J relay NAME}, two SSH layers deep.
 */
class JumpHostTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Sshd.SSHD) || System.getenv("CI") != null, "openssh-server is not installed");
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
        int sshdPort = Sshd.start(relay, "sshd", relay.publicKey("alice"));
        relay.listener(role, user, name, "22:localhost:" + sshdPort);

        SshProcess jump = relay.run(relay.ssh("-J", "relay-alice", "-i", relay.key("alice").toString(),
                "-l", System.getProperty("user.name"), name, "echo", "logged-in-behind-" + name));

        assertEquals(0, jump.process().exitValue(), jump.stderr());
        assertEquals("logged-in-behind-" + name + "\n", jump.stdout());
    }
}
