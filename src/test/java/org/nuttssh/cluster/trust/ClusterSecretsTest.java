package org.nuttssh.cluster.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following the secret files: read again when they change, and only then. */
class ClusterSecretsTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void unchangedFilesAreNotReadAgainAtAPoll() throws Exception {
        Path file = secret("cluster.secret", ClusterSecret.MIN_BYTES);
        secret("cluster.secret" + ClusterSecrets.NEXT_SUFFIX, ClusterSecret.MIN_BYTES);
        ClusterSecrets secrets = ClusterSecrets.load(file);
        ClusterSecrets.Held before = secrets.held();

        assertFalse(secrets.reload());
        assertFalse(secrets.reload());

        // The same objects: neither file was parsed again, nor a key derived for its id.
        assertSame(before, secrets.held());
        assertSame(before.current(), secrets.held().current());
        assertSame(before.next().orElseThrow(), secrets.held().next().orElseThrow());
    }

    @Test
    void aFileOfTheSameSizeWrittenAgainIsReadAgain() throws Exception {
        Path file = secret("cluster.secret", ClusterSecret.MIN_BYTES);
        ClusterSecrets secrets = ClusterSecrets.load(file);
        String before = secrets.held().current().id();

        secret("cluster.secret", ClusterSecret.MIN_BYTES);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));

        assertTrue(secrets.reload());
        assertNotEquals(before, secrets.held().current().id());
    }

    @Test
    void theNextFileAppearingAndGoingIsNoticed() throws Exception {
        Path file = secret("cluster.secret", ClusterSecret.MIN_BYTES);
        ClusterSecrets secrets = ClusterSecrets.load(file);

        secret("cluster.secret" + ClusterSecrets.NEXT_SUFFIX, ClusterSecret.MIN_BYTES);
        assertTrue(secrets.reload());
        assertEquals(2, secrets.held().ids().size());

        Files.delete(secrets.nextFile());
        assertTrue(secrets.reload());
        assertEquals(1, secrets.held().ids().size());
    }

    @Test
    void aBrokenFileKeepsTheSecretsBeforeAndIsReportedUntilItIsMended() throws Exception {
        Path file = secret("cluster.secret", ClusterSecret.MIN_BYTES);
        ClusterSecrets secrets = ClusterSecrets.load(file);
        List<String> before = secrets.held().ids();

        secret("cluster.secret", 5);
        for (int poll = 0; poll < 2; poll++) {
            IOException refused = assertThrows(IOException.class, secrets::reload);
            assertEquals("cluster secret " + file + " holds 5 bytes (expected: 32 to 4096 random bytes, as "
                    + "cluster-certs writes them); the cluster secrets before stay in force", refused.getMessage());
            assertEquals(before, secrets.held().ids());
        }

        secret("cluster.secret", ClusterSecret.MIN_BYTES);
        assertTrue(secrets.reload());
        assertNotEquals(before, secrets.held().ids());
    }

    @Test
    void aFileMadeReadableByOthersIsRefusedThoughItsTimeAndSizeStay() throws Exception {
        Path file = secret("cluster.secret", ClusterSecret.MIN_BYTES);
        ClusterSecrets secrets = ClusterSecrets.load(file);
        List<String> before = secrets.held().ids();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        IOException refused = assertThrows(IOException.class, secrets::reload);
        assertTrue(refused.getMessage().contains("is accessible by other users (rw-r--r--)"), refused.getMessage());
        assertEquals(before, secrets.held().ids());
    }

    /** Writes {@code bytes} random bytes to a file of the relay's alone. */
    private Path secret(String name, int bytes) throws IOException {
        byte[] secret = new byte[bytes];
        RANDOM.nextBytes(secret);
        Path file = dir.resolve(name);
        Files.write(file, secret);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
