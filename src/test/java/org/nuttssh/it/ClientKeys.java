package org.nuttssh.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.testing.SshKeygen;

/**
 * Keys for real OpenSSH clients of relays started outside the test JVM: one key per role ({@code dir/key-ROLE}, made
 * with the real ssh-keygen), the authorized_keys that gives each its options, and an ssh_config that checks the
 * relay's one host key strictly, whichever node presents it.
 */
final class ClientKeys {

    private ClientKeys() {
    }

    static Path key(Path dir, String role) {
        return dir.resolve("key-" + role);
    }

    /**
     * Writes {@code dir/authorized_keys} from lines {@code "OPTIONS ROLE"}, making each role's key.
     */
    static void authorize(Path dir, List<String> lines) throws IOException, InterruptedException {
        StringBuilder authorized = new StringBuilder();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            String role = line.substring(space + 1);
            SshKeygen.generate(key(dir, role), "ed25519", role);
            authorized.append(line, 0, space + 1).append(Files.readString(Path.of(key(dir, role) + ".pub")).trim())
                    .append('\n');
        }
        Files.writeString(dir.resolve("authorized_keys"), authorized.toString());
    }

    /**
     * Writes {@code dir/known_hosts} with the host key under {@code alias}, and an ssh_config that checks every
     * host against it: every node must present that one key.
     */
    static Path strictConfig(Path dir, Path hostKey, String alias) throws IOException {
        Files.writeString(dir.resolve("known_hosts"),
                alias + " " + Files.readString(Path.of(hostKey + ".pub")).trim() + "\n");
        Path config = dir.resolve("ssh_config");
        Files.writeString(config, """
                Host *
                  HostKeyAlias %s
                  StrictHostKeyChecking yes
                  UserKnownHostsFile %s
                """.formatted(alias, dir.resolve("known_hosts")) + RelayFixture.CLIENT_OPTIONS);
        return config;
    }
}
