package org.nuttssh.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.config.PrivateFile;
import org.nuttssh.config.StartupException;

/** Loads the server's host key at start, so that a bad key stops the server before it listens. */
public final class HostKeys {

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
        try {
            PrivateFile.check(file, "host key");
        } catch (IOException e) {
            throw new StartupException("host key " + file + ": cannot read its permissions: " + e.getMessage());
        }
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
}
