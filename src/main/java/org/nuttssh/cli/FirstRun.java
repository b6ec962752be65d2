package org.nuttssh.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.config.StartupException;

/**
 * {@code --init}: gets a new user from nothing to a working relay. Creates only what is missing, never overwrites,
 * and says what it did. The plain server still refuses to start without both files.
 */
public final class FirstRun {

    /** The user's public keys, most preferred first (the order OpenSSH tries them in). */
    private static final List<String> PUBLIC_KEYS = List.of("id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub");

    private FirstRun() {
    }

    public static void prepare(Path hostKey, Path authorizedKeys, PrintStream console) throws StartupException {
        if (!Files.exists(hostKey)) {
            createHostKey(hostKey);
            console.println("nuttssh: created host key " + hostKey + " (ssh-ed25519)");
        }
        if (!Files.exists(authorizedKeys)) {
            Path userKey = findUserKey();
            try {
                String line = Files.readAllLines(userKey, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).findFirst()
                        .orElseThrow(() -> new StartupException(userKey + " is empty"));
                Files.writeString(authorizedKeys, "# Created by nuttssh --init for " + userKey + "\n"
                        + "access=\"listen\",access=\"initiate\" " + line.trim() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new StartupException("cannot create " + authorizedKeys + ": " + e.getMessage());
            }
            console.println("nuttssh: created " + authorizedKeys + " with your key " + userKey
                    + " (access listen and initiate)");
        }
    }

    /** Tells the new user how to use the relay that just started. */
    public static void explain(int port, PrintStream console) {
        console.println("nuttssh: ready on port " + port + ". Try, from this machine:");
        console.println("  expose this machine's sshd as 'myhost':  ssh -p " + port
                + " -N -R 22:localhost:22 myhost@localhost");
        console.println("  reach it by name through the relay:      ssh -J localhost:" + port + " myhost");
        console.println("  see who is listening:                     ssh -p " + port + " localhost list");
    }

    private static Path findUserKey() throws StartupException {
        Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
        for (String name : PUBLIC_KEYS) {
            Path candidate = sshDir.resolve(name);
            if (Files.isReadable(candidate)) {
                return candidate;
            }
        }
        throw new StartupException("no public key found in " + sshDir + " (looked for " + String.join(", ", PUBLIC_KEYS)
                + "); create one with: ssh-keygen -t ed25519");
    }

    private static void createHostKey(Path file) throws StartupException {
        try {
            KeyPair keyPair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "nuttssh host key", null, out);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot create host key " + file + ": " + e.getMessage());
        }
    }
}
