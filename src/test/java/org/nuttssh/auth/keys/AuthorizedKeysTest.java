package org.nuttssh.auth.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.TestKeys;

class AuthorizedKeysTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, text);
        return file;
    }

    private static String listen(String key) {
        return "access=\"listen\" " + TestKeys.line(key) + "\n";
    }

    @Test
    void missingFileExplainsHowToCreateIt() {
        Path file = dir.resolve("authorized_keys");
        AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(file));
        assertEquals("authorized_keys file " + file + " not found; create it with one public key per line, e.g.: "
                + "cp ~/.ssh/id_ed25519.pub " + file + " (then add access=\"listen\" or access=\"initiate\" in front)",
                e.getMessage());
    }

    @Test
    void bareRelativeNameIsShownAsDotSlash() {
        Path file = Path.of("no-such-authorized_keys-" + System.nanoTime());
        AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(file));
        assertTrue(e.getMessage().startsWith("authorized_keys file ./" + file + " not found;"), e.getMessage());
    }

    @Test
    void missingParentDirectoryCountsAsNotFound() {
        Path file = dir.resolve("nope").resolve("authorized_keys");
        AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(file));
        assertTrue(e.getMessage().startsWith("authorized_keys file " + file + " not found;"), e.getMessage());
    }

    @Test
    void directoryIsRefused() {
        AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(dir));
        assertEquals("authorized_keys file " + dir + " is a directory; give the path of the file inside it",
                e.getMessage());
    }

    @Test
    void unreadableFileIsRefused() throws IOException {
        Path file = write(listen("ed25519"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as root: permissions are not enforced");
        AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(file));
        assertTrue(e.getMessage().startsWith("authorized_keys file " + file + " is not readable"), e.getMessage());
    }

    @Test
    void fileWithOnlyMalformedLinesIsRefused() throws IOException {
        Path file = write("# keys\nssh-ed25519 garbage!\n\naccess=\"listen ssh-ed25519 AAAA\n");
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            AuthorizedKeysException e = assertThrows(AuthorizedKeysException.class, () -> AuthorizedKeys.load(file));
            assertEquals("authorized_keys file " + file + " has no valid key (2 malformed lines, see warnings above)",
                    e.getMessage());
            List<String> lines = log.lines();
            assertEquals(2, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("WARN " + file + ":2: invalid ssh-ed25519 key data"), lines::toString);
            assertTrue(lines.get(1).startsWith("WARN " + file + ":4: unterminated quote"), lines::toString);
        }
    }

    @Test
    void emptyOrCommentOnlyFileIsAcceptedWithWarning() throws Exception {
        for (String text : List.of("", "# nobody yet\n\n")) {
            Path file = write(text);
            try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
                AuthorizedKeys keys = AuthorizedKeys.load(file);
                assertEquals(List.of(), keys.entries());
                assertEquals(List.of("WARN " + file + " has no keys yet; nobody can log in until you add one"),
                        log.lines());
            }
        }
    }

    @Test
    void loadLogsWarningsAndKeepsValidLines() throws Exception {
        Path file = write(listen("ed25519") + "no-pty " + TestKeys.line("rsa") + "\nssh-rsa bad!\n");
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            AuthorizedKeys keys = AuthorizedKeys.load(file);
            assertEquals(List.of(1, 2), keys.entries().stream().map(AuthorizedKey::line).toList());
            assertEquals(file, keys.file());
            assertTrue(log.lines().contains("WARN " + file + ":2: option 'no-pty' does not apply to a relay; ignored (access=, permitopen= and"
                    + " permitlisten= decide what a key may do)"),
                    log.lines()::toString);
            assertTrue(log.lines().contains("INFO loaded " + file + ": 2 keys (1 malformed line skipped)"),
                    log.lines()::toString);
        }
    }

    @Test
    void entriesForFindsEveryLineOfAKeyInOrder() throws Exception {
        String ed = TestKeys.line("ed25519");
        AuthorizedKeys keys = AuthorizedKeys.load(write("from=\"10.0.0.0/8\",access=\"listen\" " + ed + "\n"
                + listen("rsa")
                + "access=\"initiate\" " + ed + "\n"));
        assertEquals(List.of(1, 3),
                keys.entriesFor(TestKeys.key("ed25519")).stream().map(AuthorizedKey::line).toList());
        assertEquals(List.of(2), keys.entriesFor(TestKeys.key("rsa")).stream().map(AuthorizedKey::line).toList());
        assertEquals(List.of(), keys.entriesFor(TestKeys.key("ed25519-b")));
    }

    @Test
    void reloadPicksUpAddedAndRemovedKeys() throws Exception {
        Path file = write(listen("ed25519"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        AtomicInteger notified = new AtomicInteger();
        keys.addChangeListener(k -> notified.incrementAndGet());
        assertFalse(keys.reloadIfChanged(), "unchanged file must not reload");

        Files.writeString(file, listen("ed25519") + listen("rsa"));
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            assertTrue(keys.reloadIfChanged());
            assertEquals(List.of("INFO reloaded " + file + ": 2 keys (0 malformed lines skipped)"), log.lines());
        }
        assertEquals(1, keys.entriesFor(TestKeys.key("rsa")).size());
        assertEquals(1, notified.get());
        assertFalse(keys.reloadIfChanged());

        Files.writeString(file, listen("rsa"));
        assertTrue(keys.reloadIfChanged());
        assertEquals(List.of(), keys.entriesFor(TestKeys.key("ed25519")));
        assertEquals(1, keys.entries().size());
        assertEquals(2, notified.get());
    }

    @Test
    void reloadNoticesSameSizeChangeByModificationTime() throws Exception {
        Path file = write(listen("ed25519-b"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        FileTime before = Files.getLastModifiedTime(file);
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        Files.writeString(file, listen("ed25519-c")); // Ed25519 lines with equally long comments
        assertEquals(listen("ed25519-b").length(), Files.size(file), "test needs an unchanged size");
        assertEquals(inode, Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "same file");
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
        assertTrue(keys.reloadIfChanged());
        assertEquals(1, keys.entriesFor(TestKeys.key("ed25519-c")).size());
    }

    @Test
    void deletedOrBrokenFileKeepsThePreviousKeys() throws Exception {
        Path file = write(listen("ed25519"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        AtomicInteger notified = new AtomicInteger();
        keys.addChangeListener(k -> notified.incrementAndGet());
        List<AuthorizedKey> before = keys.entries();

        Files.delete(file);
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            assertFalse(keys.reloadIfChanged());
            assertFalse(keys.reloadIfChanged());
            assertEquals(List.of("ERROR cannot reload " + file + ": file not found; keeping the previous 1 key"),
                    log.lines(), "the error is reported once, not at every poll");
        }
        assertEquals(before, keys.entries());

        Files.writeString(file, "ssh-ed25519 half-writt");
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            assertFalse(keys.reloadIfChanged());
            assertFalse(keys.reloadIfChanged());
            assertEquals(2, log.lines().size(), log.lines()::toString);
            assertTrue(log.lines().get(1).startsWith("ERROR cannot reload " + file + ": authorized_keys file " + file
                    + " has no valid key (1 malformed line, see warnings above); keeping the previous 1 key"),
                    log.lines()::toString);
        }
        assertEquals(before, keys.entries());
        assertEquals(0, notified.get());

        Files.writeString(file, listen("ed25519") + listen("rsa"));
        assertTrue(keys.reloadIfChanged());
        assertEquals(2, keys.entries().size());
        assertEquals(1, notified.get());
    }

    @Test
    void emptiedFileIsAcceptedOnReload() throws Exception {
        Path file = write(listen("ed25519"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        Files.writeString(file, "# everyone removed\n");
        assertTrue(keys.reloadIfChanged());
        assertEquals(List.of(), keys.entries());
    }

    @Test
    void failingListenerDoesNotStopTheOthers() throws Exception {
        Path file = write(listen("ed25519"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        AtomicInteger second = new AtomicInteger();
        keys.addChangeListener(k -> {
            throw new IllegalStateException("listener bug");
        });
        keys.addChangeListener(k -> second.incrementAndGet());
        Files.writeString(file, listen("rsa"));
        assertTrue(keys.reloadIfChanged());
        assertEquals(1, second.get());
    }

    @Test
    void watchingReloadsInTheBackground() throws Exception {
        Path file = write(listen("ed25519"));
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        CountDownLatch reloaded = new CountDownLatch(1);
        keys.addChangeListener(k -> reloaded.countDown());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            keys.startWatching(scheduler, Duration.ofMillis(20));
            Files.delete(file); // a failing poll must not end the polling
            Await.until("a poll to fail on the missing file",
                    () -> log.lines().stream().anyMatch(line -> line.startsWith("ERROR cannot reload")));
            Files.writeString(file, listen("ed25519") + listen("rsa"));
            assertTrue(reloaded.await(5, TimeUnit.SECONDS), "watcher did not pick up the change");
            assertEquals(2, keys.entries().size());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void watchIntervalMustBePositive() throws Exception {
        AuthorizedKeys keys = AuthorizedKeys.load(write(""));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThrows(IllegalArgumentException.class, () -> keys.startWatching(scheduler, Duration.ZERO));
        } finally {
            scheduler.shutdownNow();
        }
    }
}
