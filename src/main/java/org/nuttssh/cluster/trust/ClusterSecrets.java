package org.nuttssh.cluster.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nuttssh.config.StartupException;

/**
 * The cluster secrets a node holds: the one in its {@code --cluster-secret} file and, while the secret is being
 * rotated, the next one, in the file of the same name with {@value #NEXT_SUFFIX} added beside it
 * ({@code cluster-certs --rotate-secret} makes it). Both files are followed: {@link #reload} reads them again, so a
 * running node takes a new secret, and drops the old one, without a restart.
 */
public final class ClusterSecrets {

    /** Added to the secret file's name for the next secret's file: {@code cluster.secret.next}. */
    public static final String NEXT_SUFFIX = ".next";

    private final Path file;
    private final Path nextFile;
    private volatile Held held;

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
     * Reads both files again. A file that cannot be read, or is no secret (half copied, readable by others), leaves
     * the secrets before in force, and so does a secret file that disappeared: a node never loses the secret the
     * cluster writes with to a broken copy. A next file that disappeared ends the rotation: that is how the old
     * secret is retired, once the next one has taken its place in the secret file.
     *
     * @return whether the secrets held changed
     * @throws IOException naming the file and what is wrong with it
     */
    public boolean reload() throws IOException {
        Held now;
        try {
            now = read();
        } catch (StartupException e) {
            throw new IOException(e.getMessage() + "; the cluster secrets before stay in force", e);
        }
        boolean changed = !now.ids().equals(held.ids());
        held = now;
        return changed;
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
