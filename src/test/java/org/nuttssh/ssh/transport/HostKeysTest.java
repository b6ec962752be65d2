package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nuttssh.config.StartupException;
import org.nuttssh.testing.SshKeygen;

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
        return new SshKeygen(dir).key(name);
    }

    /** A certificate for relay.example.org; {@code -h} makes it a host's. */
    private void sign(Path key, String... type) throws Exception {
        List<String> options = new ArrayList<>(List.of("-n", "relay.example.org"));
        options.addAll(List.of(type));
        SshKeygen.certify(key, key("ca"), "relay", options.toArray(String[]::new));
    }
}
