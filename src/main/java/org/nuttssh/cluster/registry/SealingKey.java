package org.nuttssh.cluster.registry;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under one key derived from the cluster secret: what one node seals, only a holder of the secret
 * opens, and only with the same associated data, so a sealed value moved to another context does not open.
 *
 * <p>A sealed value is the nonce (12 random bytes) followed by the ciphertext and its tag.
 */
public final class SealingKey implements Sealer {

    public static final int BYTES = 32;

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /**
     * One cipher per thread, initialised anew for each value: looking the transformation up costs more than opening
     * a record (a fifth of a joining node's start, which opens every record of the cluster: docs/performance.md).
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SealingKey::newCipher);

    public SealingKey(byte[] key) {
        if (key.length != BYTES) {
            throw new IllegalArgumentException("sealing key: " + key.length + " bytes (expected: " + BYTES + ")");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] seal(byte[] associated, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, associated, plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            // AES-GCM with a 256-bit key is in every JDK; sealing cannot fail on a working one.
            throw new IllegalStateException("cannot seal: " + e, e);
        }
    }

    /** @return the plaintext, or empty when {@code sealed} was not sealed with this key and this associated data */
    @Override
    public Optional<byte[]> open(byte[] associated, byte[] sealed) {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            return Optional.of(crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES), associated,
                    Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private byte[] crypt(int mode, byte[] nonce, byte[] associated, byte[] input) throws GeneralSecurityException {
        Cipher cipher = ciphers.get();
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associated);
        return cipher.doFinal(input);
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            // Every JDK has AES-GCM.
            throw new IllegalStateException("no AES/GCM/NoPadding: " + e, e);
        }
    }
}
