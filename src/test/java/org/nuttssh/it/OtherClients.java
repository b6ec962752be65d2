package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.testing.Await;

/**
 * What clients other than the one loading a relay must still be able to do, with real OpenSSH clients: log in and
 * run a command, register a new listener, and reach it through a new circuit.
 */
final class OtherClients {

    private OtherClients() {
    }

    /** {@code ssh relay-ROLE whoami} exits 0 with its answer. */
    static void whoami(RelayFixture relay, String role) throws Exception {
        SshProcess whoami = relay.run(relay.ssh("relay-" + role, "whoami"));
        assertEquals(0, whoami.process().exitValue(), "whoami as " + role + ": " + whoami.stderr());
    }

    /**
     * A new listening client as {@code name} (key {@code listenerRole}) on {@code listenerNode}, forwarding port 22 to
     * {@code echo}, whose banner is {@code name}; then a new circuit to it from {@code initiatorNode} as
     * {@code initiatorRole} echoes, within the fixture's timeout.
     */
    static void newListenerIsReached(RelayFixture listenerNode, String listenerRole, String name, TcpTarget echo,
                                     RelayFixture initiatorNode, String initiatorRole) throws Exception {
        SshProcess listener = listenerNode.start(listenerNode.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "22:localhost:" + echo.port(), "-l", name, "relay-" + listenerRole));
        List<String> circuit = initiatorNode.ssh("-W", name + ":22", "relay-" + initiatorRole);
        Path stdin = Files.writeString(Files.createTempFile(initiatorNode.dir(), "in", ".txt"), "ping\n");
        String[] last = {""};
        try {
            Await.until("a circuit to the new listener " + name, RelayFixture.TIMEOUT, () -> {
                if (!listener.isAlive()) {
                    throw new AssertionError("the new listener exited: " + listener.stderr());
                }
                try (SshProcess ssh = SshProcess.start(initiatorNode.dir(), circuit, stdin)) {
                    ssh.waitFor(RelayFixture.TIMEOUT);
                    last[0] = ssh.stdout() + ssh.stderr();
                    return ssh.stdout().equals(name + "\nping\n");
                } catch (Exception e) {
                    last[0] = e.toString();
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last attempt said: " + last[0], e);
        }
    }
}
