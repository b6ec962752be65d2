package org.nuttssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
        String[] args = switch (name) {
            case "ed25519", "ed25519-b", "ed25519-c" -> new String[] {"-t", "ed25519"};
            case "rsa" -> new String[] {"-t", "rsa", "-b", "2048"};
            case "ecdsa256" -> new String[] {"-t", "ecdsa", "-b", "256"};
            case "ecdsa384" -> new String[] {"-t", "ecdsa", "-b", "384"};
            case "ecdsa521" -> new String[] {"-t", "ecdsa", "-b", "521"};
            default -> throw new IllegalArgumentException("no test key " + name);
        };
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("nuttssh-auth-keys");
                dir.toFile().deleteOnExit();
            }
            Path file = dir.resolve(name);
            String[] command = new String[args.length + 8];
            command[0] = "/usr/bin/ssh-keygen";
            command[1] = "-q";
            command[2] = "-N";
            command[3] = "";
            command[4] = "-C";
            command[5] = name + "@test";
            command[6] = "-f";
            command[7] = file.toString();
            System.arraycopy(args, 0, command, 8, args.length);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("ssh-keygen failed for " + name + ": " + output);
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
