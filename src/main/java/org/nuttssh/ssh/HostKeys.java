package org.nuttssh.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.config.StartupException;

/** Loads the server's host key at start, so that a bad key stops the server before it listens. */
public final class HostKeys {

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private HostKeys() {
    }

    public static KeyPairProvider load(Path file) throws StartupException {
        String howToCreate = "; create one with: ssh-keygen -t ed25519 -N '' -f " + file;
        if (!Files.exists(file)) {
            throw new StartupException("host key " + file + " not found" + howToCreate);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new StartupException("host key " + file + " is not a readable file" + howToCreate);
        }
        checkPrivate(file);
        List<KeyPair> keys = new ArrayList<>();
        try {
            FileKeyPairProvider provider = new FileKeyPairProvider(file);
            provider.setPasswordFinder(FilePasswordProvider.EMPTY);
            provider.loadKeys(null).forEach(keys::add);
        } catch (Exception e) {
            throw new StartupException("host key " + file + " cannot be loaded (" + e.getMessage()
                    + "); it must be an unencrypted OpenSSH or PEM private key" + howToCreate);
        }
        if (keys.isEmpty()) {
            throw new StartupException("host key " + file + " holds no private key" + howToCreate);
        }
        return KeyPairProvider.wrap(keys);
    }

    /**
     * Like sshd's StrictModes: a host key others can read is no longer the relay's alone, and whoever reads it can
     * impersonate the relay to every client. On file systems without POSIX permissions there is nothing to check.
     */
    private static void checkPrivate(Path file) throws StartupException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new StartupException("host key " + file + ": cannot read its permissions: " + e.getMessage());
        }
        if (!Collections.disjoint(permissions, NOT_OWNER)) {
            throw new StartupException("host key " + file + " is accessible by group or others ("
                    + PosixFilePermissions.toString(permissions) + "); make it private with: chmod 600 " + file
                    + " (and run the relay as the file's owner)");
        }
    }
}
