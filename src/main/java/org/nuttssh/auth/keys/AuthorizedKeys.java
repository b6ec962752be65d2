package org.nuttssh.auth.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.nuttssh.auth.files.DisplayPath;
import org.nuttssh.auth.files.FilePolling;
import org.nuttssh.auth.files.FileStamp;
import org.nuttssh.registry.ClientName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys allowed to log in, read from an OpenSSH-style authorized_keys file and re-read when it changes.
 *
 * <p>Readers always see a complete snapshot: a reload builds the new list aside and swaps it in one step. A reload
 * that finds the file missing, unreadable, or with no valid key left among malformed lines keeps the previous keys,
 * because a half-written or accidentally deleted file must not lock everyone out of a running relay.
 */
public final class AuthorizedKeys {
    private static final Logger log = LoggerFactory.getLogger(AuthorizedKeys.class);

    /** Far beyond any real authorized_keys; guards against pointing Nuttssh at a disk image by mistake. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    /**
     * @param byName the lines giving each {@link ClientName#fold folded} name (as hostname= or alias=), for names
     *               reserved to them
     */
    private record Snapshot(FileStamp stamp, List<AuthorizedKey> entries, Map<String, List<AuthorizedKey>> byName) {

        Snapshot(FileStamp stamp, List<AuthorizedKey> entries) {
            this(stamp, entries, byName(entries));
        }

        private static Map<String, List<AuthorizedKey>> byName(List<AuthorizedKey> entries) {
            Map<String, List<AuthorizedKey>> byName = new HashMap<>();
            for (AuthorizedKey entry : entries) {
                Set<String> given = new LinkedHashSet<>();
                if (entry.hostname() != null) {
                    given.add(ClientName.fold(entry.hostname()));
                }
                entry.aliases().forEach(alias -> given.add(ClientName.fold(alias)));
                given.forEach(name -> byName.computeIfAbsent(name, n -> new ArrayList<>()).add(entry));
            }
            return byName;
        }
    }

    private record Loaded(FileStamp stamp, ParseResult result) {
    }

    private final Path file;
    private final List<Consumer<AuthorizedKeys>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot current;
    /** The last failure reported by a reload, so that polling does not repeat the same error every interval. */
    private Object lastFailure;

    private AuthorizedKeys(Path file, Snapshot initial) {
        this.file = file;
        this.current = initial;
    }

    public static AuthorizedKeys load(Path file) throws AuthorizedKeysException {
        Objects.requireNonNull(file, "file");
        Loaded loaded = read(file);
        ParseResult result = loaded.result();
        report(result);
        if (result.keys().isEmpty()) {
            if (!result.malformed().isEmpty()) {
                throw new AuthorizedKeysException(noValidKey(file, result.malformed().size()));
            }
            log.warn("{} has no keys yet; nobody can log in until you add one", DisplayPath.of(file));
        } else {
            log.info("loaded {}: {}", DisplayPath.of(file), counts(result));
        }
        return new AuthorizedKeys(file, new Snapshot(loaded.stamp(), result.keys()));
    }

    /** All usable lines, in file order. */
    public List<AuthorizedKey> entries() {
        return current.entries();
    }

    /** The lines holding {@code key} (a plain key, not a CA's), in file order; empty if the key is not listed. */
    public List<AuthorizedKey> entriesFor(PublicKey key) {
        return current.entries().stream().filter(e -> !e.certAuthority() && KeyUtils.compareKeys(e.key(), key))
                .toList();
    }

    /** The cert-authority lines holding {@code caKey}, in file order. */
    public List<AuthorizedKey> authoritiesFor(PublicKey caKey) {
        return current.entries().stream().filter(e -> e.certAuthority() && KeyUtils.compareKeys(e.key(), caKey))
                .toList();
    }

    /**
     * The lines that give {@code name}, in any case, as their hostname= or an alias=, in file order; empty if none
     * does.
     */
    public List<AuthorizedKey> linesGiving(String name) {
        return current.byName().getOrDefault(ClientName.fold(name), List.of());
    }

    /**
     * The cert-authority lines that let their certificates listen under {@code name}: access="listen" and a names=
     * pattern it matches, in file order. A CA line without names= grants whatever its certificates name, so it claims
     * no name for them alone.
     */
    public List<AuthorizedKey> authoritiesGranting(String name) {
        return current.entries().stream().filter(e -> e.certAuthority() && e.has(Access.LISTEN)
                && !e.permits().names().isEmpty() && e.permits().mayListenAs(name)).toList();
    }

    public Path file() {
        return file;
    }

    /**
     * Re-reads the file if its size, modification time or identity changed.
     *
     * @return true if a new snapshot is now in use
     */
    public synchronized boolean reloadIfChanged() {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            fail(e.getClass().getName(),
                    describe(e) + "; keeping the previous " + keyCount(current.entries().size()));
            return false;
        }
        if (stamp.sameAs(current.stamp())) {
            lastFailure = null; // back to what is loaded, so a later failure deserves a fresh report
            return false;
        }
        if (lastFailure instanceof FileStamp failed && stamp.sameAs(failed)) {
            return false;
        }
        Loaded loaded;
        try {
            loaded = read(file);
        } catch (AuthorizedKeysException e) {
            fail(e.getMessage(), e.getMessage() + "; keeping the previous " + keyCount(current.entries().size()));
            return false;
        }
        ParseResult result = loaded.result();
        report(result);
        if (result.keys().isEmpty() && !result.malformed().isEmpty()) {
            fail(loaded.stamp(), noValidKey(file, result.malformed().size()) + "; keeping the previous "
                    + keyCount(current.entries().size()));
            return false;
        }
        lastFailure = null;
        current = new Snapshot(loaded.stamp(), result.keys());
        log.info("reloaded {}: {}", DisplayPath.of(file), counts(result));
        if (result.keys().isEmpty()) {
            log.warn("{} has no keys now; nobody can log in until you add one", DisplayPath.of(file));
        }
        for (Consumer<AuthorizedKeys> listener : listeners) {
            try {
                listener.accept(this);
            } catch (RuntimeException e) {
                log.error("authorized_keys change listener {} failed", listener, e);
            }
        }
        return true;
    }

    private void fail(Object failure, String message) {
        if (!failure.equals(lastFailure)) {
            log.error("cannot reload {}: {}", DisplayPath.of(file), message);
        }
        lastFailure = failure;
    }

    /** {@code listener} runs after each successful reload, on the thread that did the reload. */
    public void addChangeListener(Consumer<AuthorizedKeys> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Polls the file every {@code interval} on {@code scheduler}; stop it by shutting the scheduler down. */
    public void startWatching(ScheduledExecutorService scheduler, Duration interval) {
        FilePolling.every(scheduler, interval, file, this::reloadIfChanged);
    }

    private static Loaded read(Path file) throws AuthorizedKeysException {
        String name = DisplayPath.of(file);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new AuthorizedKeysException("authorized_keys file " + name
                        + " is a directory; give the path of the file inside it");
            }
            if (!attributes.isRegularFile()) {
                throw new AuthorizedKeysException("authorized_keys file " + name + " is not a regular file");
            }
            if (attributes.size() > MAX_BYTES) {
                throw new AuthorizedKeysException("authorized_keys file " + name + " is " + attributes.size()
                        + " bytes, more than the " + MAX_BYTES + " an authorized_keys file could sensibly need");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return new Loaded(FileStamp.of(attributes), AuthorizedKeysParser.parse(file, text));
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new AuthorizedKeysException("authorized_keys file " + name + " not found; create it with one public"
                    + " key per line, e.g.: cp ~/.ssh/id_ed25519.pub " + name
                    + " (then add access=\"listen\" or access=\"initiate\" in front)", e);
        } catch (AccessDeniedException e) {
            throw new AuthorizedKeysException("authorized_keys file " + name
                    + " is not readable (permission denied); let the user running Nuttssh read it", e);
        } catch (IOException e) {
            throw new AuthorizedKeysException("cannot read authorized_keys file " + name + ": " + describe(e), e);
        }
    }

    private static void report(ParseResult result) {
        result.malformed().forEach(p -> log.warn("{}; line skipped", p.message()));
        result.warnings().forEach(p -> log.warn("{}", p.message()));
    }

    private static String noValidKey(Path file, int malformed) {
        return "authorized_keys file " + DisplayPath.of(file) + " has no valid key (" + malformed + " malformed "
                + (malformed == 1 ? "line" : "lines") + ", see warnings above)";
    }

    private static String counts(ParseResult result) {
        return keyCount(result.keys().size()) + " ("
                + result.malformed().size() + " malformed " + (result.malformed().size() == 1 ? "line" : "lines")
                + " skipped)";
    }

    private static String keyCount(int n) {
        return n + (n == 1 ? " key" : " keys");
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
