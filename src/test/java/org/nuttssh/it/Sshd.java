package org.nuttssh.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.SshKeygen;

/** A throwaway OpenSSH sshd on a loopback port, a device behind a listening client; stopped with the fixture. */
final class Sshd {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private Sshd() {
    }

    /**
     * Starts an sshd that lets {@code authorizedKey} in as the current user, its files named after {@code name} in
     * the fixture's directory, and waits until it takes connections.
     *
     * @return its port
     */
    static int start(RelayFixture relay, String name, String authorizedKey) throws Exception {
        Path hostKey = new SshKeygen(relay.dir()).key(name + "_host_key");
        Path authorized = relay.dir().resolve(name + "_authorized_keys");
        Files.writeString(authorized, authorizedKey + "\n", StandardCharsets.UTF_8);
        Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory sshd insists on
        int port = FreePorts.tcp();
        Path config = relay.dir().resolve(name + "_config");
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
