package org.nuttssh.cluster.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import io.vertx.core.buffer.Buffer;

/**
 * Records sealed with AES-256-GCM under a key derived from the cluster secret, so that a member of the Hazelcast
 * cluster without the secret can neither read a name or an address nor write a record any node accepts. The map key
 * and the writing node's id are the associated data: a sealed value copied to another key, or presented as another
 * node's, does not open.
 *
 * <p>Layout: version (1 byte), node id length (1 byte), node id (UTF-8), nonce (12 bytes), ciphertext and tag.
 */
public final class SealedRecords implements RecordCodec {

    /** The key's purpose, for its derivation from the cluster secret. */
    public static final String KEY_PURPOSE = "nuttssh registry records v1";
    public static final int KEY_BYTES = 32;

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Node ids are UUIDs (36 bytes); a length byte bounds them anyway. */
    private static final int MAX_NODE_ID_BYTES = 255;

    private final SecretKeySpec key;
    private final ListenerRecordJson json = new ListenerRecordJson();
    private final SecureRandom random = new SecureRandom();

    public SealedRecords(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("record key: " + key.length + " bytes (expected: " + KEY_BYTES + ")");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] encode(ListenerRecord record) {
        byte[] node = record.node().value().getBytes(StandardCharsets.UTF_8);
        if (node.length > MAX_NODE_ID_BYTES) {
            throw new IllegalArgumentException("node id of " + node.length + " bytes");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            sealed = crypt(Cipher.ENCRYPT_MODE, nonce, associated(record.id(), node), json.encode(record));
        } catch (GeneralSecurityException e) {
            // AES-GCM with a 256-bit key is in every JDK; sealing cannot fail on a working one.
            throw new IllegalStateException("cannot seal a registry record: " + e, e);
        }
        return ByteBuffer.allocate(2 + node.length + NONCE_BYTES + sealed.length)
                .put(VERSION).put((byte) node.length).put(node).put(nonce).put(sealed).array();
    }

    @Override
    public Optional<ListenerRecord> decode(String key, byte[] value) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            if (in.get() != VERSION) {
                return Optional.empty();
            }
            byte[] node = new byte[in.get() & 0xff];
            in.get(node);
            byte[] nonce = new byte[NONCE_BYTES];
            in.get(nonce);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            ListenerRecord record = ListenerRecordJson.parse(Buffer.buffer(
                    crypt(Cipher.DECRYPT_MODE, nonce, associated(key, node), sealed)));
            boolean consistent = record.id().equals(key)
                    && record.node().equals(new NodeId(new String(node, StandardCharsets.UTF_8)));
            return consistent ? Optional.of(record) : Optional.empty();
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] associated(String mapKey, byte[] node) {
        byte[] keyBytes = mapKey.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + keyBytes.length + node.length).putInt(keyBytes.length).put(keyBytes).put(node)
                .array();
    }

    private byte[] crypt(int mode, byte[] nonce, byte[] associated, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associated);
        return cipher.doFinal(input);
    }
}
