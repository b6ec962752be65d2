package org.nuttssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Keys and certificates made by the real {@code ssh-keygen} in a directory, read back as MINA reads them. */
public final class SshKeygen {

    private final Path dir;

    public SshKeygen(Path dir) {
        this.dir = dir;
    }

    /** The private key file {@code name} (ed25519), made on first use; its public key is beside it. */
    public Path key(String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        if (!Files.exists(key)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        }
        return key;
    }

    /** {@code ssh-keygen -s CA -I ID OPTIONS key.pub}, read back. */
    public PublicKey certify(Path key, Path ca, String id, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", id));
        command.addAll(Arrays.asList(options));
        command.add(key + ".pub");
        run(command);
        return read(Path.of(key + "-cert.pub"));
    }

    public static PublicKey publicKey(Path key) throws IOException {
        return read(Path.of(key + ".pub"));
    }

    public static String fingerprint(Path key) throws IOException, InterruptedException {
        return run(List.of("ssh-keygen", "-l", "-f", key + ".pub")).split(" ")[1];
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
        return output;
    }

    private static PublicKey read(Path file) throws IOException {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(Files.readString(file).strip())
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
