package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.cluster.trust.ClusterSecret;

/** {@code cluster-certs} makes private files private, or nothing at all. */
class ClusterCertsCommandTest {

    @TempDir
    Path dir;

    @Test
    void aFileSystemWithoutPermissionsIsRefusedLoudly() throws Exception {
        // The JDK's zip file system has no POSIX permissions unless asked for them.
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("certs.zip"), Map.of("create", "true"))) {
            Path certs = zip.getPath("/certs");
            IOException refused = assertThrows(IOException.class,
                    () -> new ClusterCertificates(certs, line -> { }).create(List.of("relay1"), List.of()));

            assertTrue(refused.getMessage().contains("ca.key: its file system has no POSIX permissions (expected: "),
                    refused.getMessage());
            try (Stream<Path> files = Files.list(certs)) {
                assertEquals(List.of(), files.toList(), "nothing written");
            }
        }
    }

    /** A file-size limit of 0 makes every write fail after its file was created, as a full disk would. */
    @Test
    void aWriteThatFailsHalfWayLeavesNoKeyBehind() throws Exception {
        Path certs = dir.resolve("certs");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process run = new ProcessBuilder("bash", "-c", "ulimit -f 0; exec \"$@\"", "bash", java,
                "-Dnuttssh.launcher=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "cluster-certs", "--dir", certs.toString(), "relay1").redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertNotEquals(0, run.waitFor(), output);
        assertTrue(output.contains("nuttssh cluster-certs: ") && output.contains("File too large"), output);
        try (Stream<Path> files = Files.list(certs)) {
            assertEquals(List.of(), files.toList(), output);
        }
        List<String> made = new ArrayList<>();
        new ClusterCertificates(certs, made::add).create(List.of("relay1"), List.of());
        assertFalse(made.stream().anyMatch(line -> line.startsWith("kept")), "a later run keeps nothing: " + made);
        assertTrue(Files.size(certs.resolve(ClusterCertificates.CA_KEY)) > 0);
    }

    /** OpenSSL, checking with the CA's revocation list, refuses the revoked node's certificate and no other. */
    @Test
    void revokeAddsANodeToTheRevocationListThatOpensslHonours() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, run("--dir", certs.toString(), "relay1", "relay2", "relay3"));

        assertEquals(0, run("--dir", certs.toString(), "--revoke", "relay2"));
        assertEquals(0, run("--dir", certs.toString(), "--revoke", "relay3"));

        assertEquals(List.of(true, false, false), List.of(verifies(certs, "relay1"), verifies(certs, "relay2"),
                verifies(certs, "relay3")), "the second revocation kept the first");
        assertNotEquals(0, run("--dir", certs.toString(), "--revoke", "relay9"), "no such node");
    }

    /** A rotation makes the next secret beside the current one, private, and its retirement puts it in its place. */
    @Test
    void rotateSecretMakesTheNextOneAndRetireOldSecretPutsItInPlace() throws Exception {
        Path certs = dir.resolve("certs");
        Path secret = certs.resolve(ClusterCertificates.SECRET);
        Path next = certs.resolve(ClusterCertificates.NEXT_SECRET);
        assertNotEquals(0, run("--dir", certs.toString(), "--rotate-secret"), "no secret to rotate yet");
        assertEquals(0, run("--dir", certs.toString(), "relay1"));
        byte[] old = Files.readAllBytes(secret);

        assertEquals(0, run("--dir", certs.toString(), "--rotate-secret"));
        byte[] made = Files.readAllBytes(next);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next)));
        assertEquals(ClusterSecret.MIN_BYTES, made.length);
        assertFalse(Arrays.equals(old, made), "a new secret");
        assertArrayEquals(old, Files.readAllBytes(secret), "the current one kept");
        assertNotEquals(0, run("--dir", certs.toString(), "--rotate-secret"), "a rotation is under way");
        assertNotEquals(0, run("--dir", certs.toString(), "--rotate-secret", "--retire-old-secret"), "both at once");

        assertEquals(0, run("--dir", certs.toString(), "--retire-old-secret"));
        assertArrayEquals(made, Files.readAllBytes(secret));
        assertFalse(Files.exists(next));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertNotEquals(0, run("--dir", certs.toString(), "--retire-old-secret"), "no rotation under way");
    }

    private static int run(String... args) {
        return NuttsshCommand.commandLine(new PrintStream(OutputStream.nullOutputStream()), Map.of())
                .execute(Stream.concat(Stream.of("cluster-certs"), Stream.of(args)).toArray(String[]::new));
    }

    private static boolean verifies(Path certs, String node) throws Exception {
        Process verify = new ProcessBuilder("openssl", "verify", "-crl_check", "-CRLfile",
                certs.resolve(ClusterCertificates.CRL).toString(), "-CAfile",
                certs.resolve(ClusterCertificates.CA_CERT).toString(), certs.resolve(node + ".crt").toString())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = verify.waitFor();
        assertTrue(status == 0 ? output.endsWith(": OK\n") : output.contains("certificate revoked"), output);
        return status == 0;
    }
}
