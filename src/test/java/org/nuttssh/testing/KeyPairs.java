package org.nuttssh.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/** Key pairs made in memory, for MINA clients and servers in this JVM: no files, no ssh-keygen to wait for. */
public final class KeyPairs {

    private KeyPairs() {
    }

    public static KeyPair ed25519() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
