package org.nuttssh.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Real public keys made by ssh-keygen, so the parser is tested against what users actually paste. Generated once per
 * test JVM and shared, because RSA generation is the slow part of the suite.
 */
public final class TestKeys {
    private static final Map<String, String> LINES = new ConcurrentHashMap<>();
    private static Path dir;

    private TestKeys() {
    }

    /** "type base64 comment" for key {@code name}: ed25519, ed25519-b, rsa, ecdsa256, ecdsa384, ecdsa521. */
    public static String line(String name) {
        return LINES.computeIfAbsent(name, TestKeys::generate);
    }

    /** "type base64" without the comment. */
    public static String bare(String name) {
        String[] parts = line(name).split(" ");
        return parts[0] + " " + parts[1];
    }

    public static String base64(String name) {
        return line(name).split(" ")[1];
    }

    public static PublicKey key(String name) {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(bare(name)).resolvePublicKey(null, null,
                    PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalStateException("cannot decode test key " + name, e);
        }
    }

    private static synchronized String generate(String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("nuttssh-auth-keys");
                dir.toFile().deleteOnExit();
            }
            Path file = dir.resolve(name);
            String comment = name + "@test";
            switch (name) {
                case "ed25519", "ed25519-b", "ed25519-c" -> SshKeygen.generate(file, "ed25519", comment);
                case "rsa" -> SshKeygen.generate(file, "rsa", 2048, comment);
                case "ecdsa256" -> SshKeygen.generate(file, "ecdsa", 256, comment);
                case "ecdsa384" -> SshKeygen.generate(file, "ecdsa", 384, comment);
                case "ecdsa521" -> SshKeygen.generate(file, "ecdsa", 521, comment);
                default -> throw new IllegalArgumentException("no test key " + name);
            }
            file.toFile().deleteOnExit();
            Path pub = dir.resolve(name + ".pub");
            pub.toFile().deleteOnExit();
            return Files.readString(pub).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ssh-keygen", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
