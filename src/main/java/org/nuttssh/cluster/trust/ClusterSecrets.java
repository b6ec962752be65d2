package org.nuttssh.cluster.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.nuttssh.auth.files.FileStamp;
import org.nuttssh.config.StartupException;

/**
 * The cluster secrets a node holds: the one in its {@code --cluster-secret} file and, while the secret is being
 * rotated, the next one, in the file of the same name with {@value #NEXT_SUFFIX} added beside it
 * ({@code cluster-certs --rotate-secret} makes it). Both files are followed: {@link #reload} reads them again when
 * either changed, so a running node takes a new secret, and drops the old one, without a restart.
 */
public final class ClusterSecrets {

    /** Added to the secret file's name for the next secret's file: {@code cluster.secret.next}. */
    public static final String NEXT_SUFFIX = ".next";

    private final Path file;
    private final Path nextFile;
    private volatile Held held;
    /**
     * Both files as they were when last read, or null when they could not be looked at: a poll that finds them the
     * same reads neither (a poll every 2 s would otherwise read, check and derive from both every time).
     */
    private List<Optional<Seen>> seen;
    /** Why the files as last read are unfit, or null when they were fit; reported again while they stay the same. */
    private StartupException unfit;

    /**
     * What tells that a secret file changed without reading it: its size, modification time and inode (a file moved
     * over it, as {@code --retire-old-secret} does), and its permissions, which decide whether it may be used.
     */
    private record Seen(FileStamp stamp, Set<PosixFilePermission> permissions) {
    }

    /**
     * The secrets held at one time.
     *
     * @param current the secret of the {@code --cluster-secret} file, which every node of the cluster had at start
     * @param next    the next secret, while it spreads; never the current one
     */
    public record Held(ClusterSecret current, Optional<ClusterSecret> next) {

        /** The current secret first. */
        public List<ClusterSecret> all() {
            List<ClusterSecret> all = new ArrayList<>(List.of(current));
            next.ifPresent(all::add);
            return all;
        }

        /** Their ids, the current one's first. */
        public List<String> ids() {
            return all().stream().map(ClusterSecret::id).toList();
        }
    }

    private ClusterSecrets(Path file) {
        this.file = file;
        this.nextFile = file.resolveSibling(file.getFileName() + NEXT_SUFFIX);
    }

    /** Reads the secret file, and the next secret's file if there is one, refusing either as unfit to start with. */
    public static ClusterSecrets load(Path file) throws StartupException {
        ClusterSecrets secrets = new ClusterSecrets(file);
        secrets.seen = secrets.look();
        secrets.held = secrets.read();
        return secrets;
    }

    public Held held() {
        return held;
    }

    /** The file of the next secret, which {@link #reload} looks for. */
    public Path nextFile() {
        return nextFile;
    }

    /**
     * Reads both files again if either changed since they were read. A file that cannot be read, or is no secret
     * (half copied, readable by others), leaves the secrets before in force, and so does a secret file that
     * disappeared: a node never loses the secret the cluster writes with to a broken copy. A next file that
     * disappeared ends the rotation: that is how the old secret is retired, once the next one has taken its place in
     * the secret file.
     *
     * @return whether the secrets held changed
     * @throws IOException naming the file and what is wrong with it
     */
    public boolean reload() throws IOException {
        List<Optional<Seen>> now = look();
        if (now == null || !now.equals(seen)) {
            // Looked at before reading: a change while it is read shows at the next poll.
            seen = now;
            try {
                Held read = read();
                unfit = null;
                boolean changed = !read.ids().equals(held.ids());
                held = read;
                return changed;
            } catch (StartupException e) {
                unfit = e;
            }
        }
        if (unfit != null) {
            throw new IOException(unfit.getMessage() + "; the cluster secrets before stay in force", unfit);
        }
        return false;
    }

    /** Both files' size, time, inode and permissions, empty for a file that does not exist; null if one is unseen. */
    private List<Optional<Seen>> look() {
        try {
            return List.of(look(file), look(nextFile));
        } catch (IOException e) {
            // Read at every poll then, which says what is wrong with the file.
            return null;
        }
    }

    private static Optional<Seen> look(Path file) throws IOException {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix == null) { // no permissions to tell apart, as PrivateFile checks none there
                return Optional.of(new Seen(FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class)),
                        Set.of()));
            }
            PosixFileAttributes attributes = posix.readAttributes();
            return Optional.of(new Seen(FileStamp.of(attributes), attributes.permissions()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Held read() throws StartupException {
        ClusterSecret current = ClusterSecret.load(file);
        if (!Files.exists(nextFile)) {
            return new Held(current, Optional.empty());
        }
        ClusterSecret next = ClusterSecret.load(nextFile);
        return new Held(current, next.id().equals(current.id()) ? Optional.empty() : Optional.of(next));
    }
}
