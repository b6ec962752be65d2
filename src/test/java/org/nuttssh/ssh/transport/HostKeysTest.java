package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.StartupException;

/** host-certificate at start: a certificate of the host key is offered with it; anything else stops the start. */
class HostKeysTest {

    @TempDir
    Path dir;

    @Test
    void aHostCertificateOfTheHostKeyIsOffered() throws Exception {
        Path hostKey = key("ssh_host_key");
        sign(hostKey, "-h");
        assertInstanceOf(HostKeyCertificateProvider.class, HostKeys.load(hostKey, Path.of(hostKey + "-cert.pub")));
        assertFalse(HostKeys.load(hostKey, null) instanceof HostKeyCertificateProvider);
    }

    @Test
    void aCertificateOfAnotherKeyOrAUserCertificateStopsTheStart() throws Exception {
        Path hostKey = key("ssh_host_key");
        Path other = key("other");
        sign(other, "-h");
        StartupException wrongKey = assertThrows(StartupException.class,
                () -> HostKeys.load(hostKey, Path.of(other + "-cert.pub")));
        assertTrue(wrongKey.getMessage().contains("not the host key"), wrongKey.getMessage());

        sign(hostKey);
        StartupException user = assertThrows(StartupException.class,
                () -> HostKeys.load(hostKey, Path.of(hostKey + "-cert.pub")));
        assertTrue(user.getMessage().contains("is a user certificate"), user.getMessage());

        StartupException plain = assertThrows(StartupException.class,
                () -> HostKeys.load(hostKey, Path.of(hostKey + ".pub")));
        assertTrue(plain.getMessage().contains("holds a plain public key"), plain.getMessage());
    }

    private Path key(String name) throws Exception {
        Path key = dir.resolve(name);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        return key;
    }

    private void sign(Path key, String... type) throws Exception {
        Path ca = dir.resolve("ca");
        if (!ca.toFile().exists()) {
            key("ca");
        }
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I",
                "relay", "-n", "relay.example.org"));
        command.addAll(List.of(type));
        command.add(key + ".pub");
        run(command);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
    }
}
