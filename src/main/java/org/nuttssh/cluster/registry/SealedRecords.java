package org.nuttssh.cluster.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Records sealed with AES-256-GCM under a key derived from the cluster secret, so that a member of the Hazelcast
 * cluster without the secret can neither read a name or an address nor write a record any node accepts. The map key,
 * the owner's node id and the owner's version of the write are the associated data: a sealed value copied to another
 * key, presented as another node's, or given a newer version does not open; an old value written back opens with
 * its old version, which nodes that saw a newer one refuse ({@link HazelcastRegistry}).
 *
 * <p>Layout: format (1 byte), node id length (1 byte), node id (UTF-8), version (8 bytes), then the sealed record.
 * The node id and the version are in the clear so that a node can tell whose write it is, and how recent, without
 * opening it: what a per-owner digest of the map needs (docs/design.md).
 */
public final class SealedRecords implements RecordCodec {

    /** The key's purpose, for its derivation from the cluster secret. */
    public static final String KEY_PURPOSE = "nuttssh registry records v1";

    private static final String LEDGER_CONTEXT = "nuttssh ledger of ";
    /** Format 1 had no version; its values do not open as format 2 and are counted as unreadable. */
    private static final byte FORMAT = 2;
    /** Node ids are UUIDs (36 bytes); a length byte bounds them anyway. */
    private static final int MAX_NODE_ID_BYTES = 255;

    private final Sealer key;

    public SealedRecords(Sealer key) {
        this.key = key;
    }

    @Override
    public byte[] encode(ListenerRecord record, long version) {
        byte[] node = record.node().value().getBytes(StandardCharsets.UTF_8);
        if (node.length > MAX_NODE_ID_BYTES) {
            throw new IllegalArgumentException("node id of " + node.length + " bytes");
        }
        byte[] sealed = key.seal(associated(RecordKey.of(record), node, version),
                ListenerRecordJson.body(record).toBuffer().getBytes());
        return ByteBuffer.allocate(2 + node.length + Long.BYTES + sealed.length)
                .put(FORMAT).put((byte) node.length).put(node).putLong(version).put(sealed).array();
    }

    @Override
    public Optional<VersionedRecord> decode(String mapKey, byte[] value) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            if (in.get() != FORMAT) {
                return Optional.empty();
            }
            byte[] node = new byte[in.get() & 0xff];
            in.get(node);
            long version = in.getLong();
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            return key.open(associated(mapKey, node, version), sealed)
                    .map(plain -> ListenerRecordJson.parse(new JsonObject(Buffer.buffer(plain))))
                    .filter(record -> RecordKey.of(record).equals(mapKey)
                            && record.node().equals(new NodeId(new String(node, StandardCharsets.UTF_8))))
                    .map(record -> new VersionedRecord(record, version));
        } catch (RuntimeException e) {
            // Too short (BufferUnderflowException), or sealed with this secret yet not a record: another relay version.
            return Optional.empty();
        }
    }

    @Override
    public byte[] encodeLedger(NodeId node, SliceDigest digest) {
        return key.seal(ledgerAssociated(node), digest.toBytes());
    }

    @Override
    public Optional<SliceDigest> decodeLedger(NodeId node, byte[] value) {
        try {
            return key.open(ledgerAssociated(node), value).map(SliceDigest::fromBytes);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A ledger's associated data: what it is and whose. A record's starts with its key's length, which cannot be the
     * integer these first four bytes spell, so neither opens as the other.
     */
    private static byte[] ledgerAssociated(NodeId node) {
        return (LEDGER_CONTEXT + node.value()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] associated(String mapKey, byte[] node, long version) {
        byte[] keyBytes = mapKey.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + keyBytes.length + 4 + node.length + Long.BYTES)
                .putInt(keyBytes.length).put(keyBytes).putInt(node.length).put(node).putLong(version).array();
    }
}
