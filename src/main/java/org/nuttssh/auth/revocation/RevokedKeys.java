package org.nuttssh.auth.revocation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.nuttssh.auth.files.DisplayPath;
import org.nuttssh.auth.files.FilePolling;
import org.nuttssh.auth.files.FileStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code revoked-keys} file, in either of OpenSSH's {@code RevokedKeys} formats: a KRL ({@code ssh-keygen -k}) or
 * public keys one a line. Re-read when it changes. As in sshd, a file that is set but cannot be read (missing, not
 * readable, malformed) refuses every public key, until it can be read again: a revocation must never be lost to a
 * typo. Sessions already logged in are judged by what the file last held ({@link #lastKnownRevocation}), and
 * re-checked after each successful read ({@link #addChangeListener}): a half-written file must not drop a fleet.
 */
public final class RevokedKeys {
    private static final Logger log = LoggerFactory.getLogger(RevokedKeys.class);

    /**
     * Far beyond a KRL for a large fleet (ssh-keygen packs serials into ranges and bitmaps; a quarter of a million
     * key hashes take 9 MB). The file is read whole before it is parsed, so this bounds that copy; what is kept of
     * it is bounded by {@link RevocationList#MAX_ENTRIES}.
     */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    /**
     * @param list       the revocations last read from the file (empty before any read succeeded)
     * @param unreadable why the file cannot be read now, or null when {@code list} is what it holds
     */
    private record State(FileStamp stamp, RevocationList list, String unreadable) {
    }

    private final Path file;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile State current;

    private RevokedKeys(Path file, State initial) {
        this.file = file;
        this.current = initial;
    }

    /**
     * Reads {@code file} now; a file that cannot be read is reported and refuses every key until it can. With no file
     * (null), nothing is revoked.
     */
    public static RevokedKeys load(Path file) {
        if (file == null) {
            return new RevokedKeys(null, null);
        }
        RevokedKeys keys = new RevokedKeys(file, null);
        keys.current = keys.read(PublicKeyList.parse(new byte[0]));
        keys.report(null);
        return keys;
    }

    /** The file, or null when there is none. */
    public Path file() {
        return file;
    }

    /**
     * Why {@code key} (a plain key or a user certificate) may not log in, or empty. A certificate is also revoked
     * when its key or its CA's key is, as in sshd.
     */
    public Optional<String> revocation(PublicKey key) {
        return revocation(key, true);
    }

    /**
     * Like {@link #revocation(PublicKey)}, but while the file cannot be read, judged by what it last held: for
     * clients already connected, which an unreadable file does not disconnect.
     */
    public Optional<String> lastKnownRevocation(PublicKey key) {
        return revocation(key, false);
    }

    private Optional<String> revocation(PublicKey key, boolean unreadableRefusesAll) {
        State state = current;
        if (state == null) {
            return Optional.empty();
        }
        if (state.unreadable() != null && unreadableRefusesAll) {
            return Optional.of("revoked-keys " + DisplayPath.of(file) + " cannot be read, so no key is trusted ("
                    + state.unreadable() + ")");
        }
        if (!(key instanceof OpenSshCertificate certificate)) {
            return state.list().revokesKey(RevocationList.blobOf(key)).map(why -> "key " + why + " in " + DisplayPath.of(file));
        }
        byte[] caBlob = RevocationList.blobOf(certificate.getCaPubKey());
        Optional<String> why = state.list().revokesCertificate(certificate, caBlob)
                .or(() -> state.list().revokesKey(RevocationList.blobOf(certificate.getCertPubKey())).map(w -> "its key " + w))
                .or(() -> state.list().revokesKey(caBlob).map(w -> "its CA key " + w));
        return why.map(w -> "certificate " + w + " (" + DisplayPath.of(file) + ")");
    }

    /**
     * Re-reads the file if it changed.
     *
     * @return true if the file was read and its revocations are now in use
     */
    public synchronized boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        State previous = current;
        FileStamp stamp = stamp();
        if (stamp != null && stamp.sameAs(previous.stamp())) {
            return false;
        }
        if (stamp == null && previous.stamp() == null && previous.unreadable() != null) {
            return false; // still missing; reported already
        }
        State next = read(previous.list());
        current = next;
        report(previous);
        if (next.unreadable() != null) {
            return false;
        }
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("revoked-keys change listener {} failed", listener, e);
            }
        }
        return true;
    }

    /** {@code listener} runs after each reload that read the file, on the thread that did it. */
    public void addChangeListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Polls the file every {@code interval} on {@code scheduler}; nothing when there is no file. */
    public void startWatching(ScheduledExecutorService scheduler, Duration interval) {
        if (file != null) {
            FilePolling.every(scheduler, interval, file, this::reloadIfChanged);
        }
    }

    private void report(State previous) {
        State now = current;
        String name = DisplayPath.of(file);
        if (now.unreadable() != null) {
            if (previous == null || !now.unreadable().equals(previous.unreadable())) {
                log.error("revoked-keys {} cannot be read: {}; public-key login is refused for everyone until it can",
                        name, now.unreadable());
            }
        } else {
            log.info("{} revoked-keys {}: {}", previous == null ? "loaded" : "reloaded", name, now.list().describe());
        }
    }

    private FileStamp stamp() {
        try {
            return FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            return null;
        }
    }

    /** @param last what the file held at its last successful read, kept if it cannot be read now */
    private State read(RevocationList last) {
        FileStamp stamp = null;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = FileStamp.of(attributes);
            if (!attributes.isRegularFile()) {
                return new State(stamp, last, "not a regular file");
            }
            if (attributes.size() > MAX_BYTES) {
                return new State(stamp, last, tooLarge(attributes.size() + " bytes"));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1); // it may have grown since it was looked at
            }
            if (bytes.length > MAX_BYTES) {
                return new State(stamp, last, tooLarge("more than " + MAX_BYTES + " bytes"));
            }
            if (Krl.looksLikeKrl(bytes)) {
                return new State(stamp, KrlParser.parse(bytes), null);
            }
            return new State(stamp, PublicKeyList.parse(bytes), null);
        } catch (NoSuchFileException e) {
            return new State(null, last, "file not found");
        } catch (AccessDeniedException e) {
            return new State(stamp, last, "permission denied");
        } catch (IOException e) {
            return new State(stamp, last, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        } catch (KrlFormatException | IllegalArgumentException e) {
            return new State(stamp, last, "expected a KRL made by ssh-keygen -k, or public keys one a line: "
                    + e.getMessage());
        }
    }

    private static String tooLarge(String size) {
        return size + " (expected: at most " + MAX_BYTES + " bytes, far more than a fleet's revocations need)";
    }
}
