package org.nuttssh.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file holding a secret (the host key, the cluster secret) must be the relay's alone, as sshd insists for its keys
 * (StrictModes): whoever else can read it can impersonate the relay, and whoever can change it can replace it.
 */
public final class PrivateFile {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFile() {
    }

    /**
     * Refuses {@code file} if its group or others have any permission on it, saying how to fix it. On file systems
     * without POSIX permissions there is nothing to check.
     *
     * @param what what the file is, for the message: {@code host key}
     * @throws IOException when the permissions cannot be read, e.g. the file does not exist
     */
    public static void check(Path file, String what) throws IOException, StartupException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (!Collections.disjoint(permissions, OTHERS)) {
            throw new StartupException(what + " " + file + " is accessible by other users ("
                    + PosixFilePermissions.toString(permissions) + "); make it private with: chmod 600 " + file);
        }
    }
}
