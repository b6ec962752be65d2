package org.nuttssh.cluster.registry;

import java.util.Optional;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

/**
 * How a listener record is stored in the shared map, under its {@link RecordKey}, with its owner's version; and how a
 * node's published {@link SliceDigest} (its ledger) is stored.
 */
public interface RecordCodec {

    /** @param version the owner's version of this write; see {@link VersionedRecord} */
    byte[] encode(ListenerRecord record, long version);

    /**
     * @param key the map key the value was found under
     * @return the record, or empty when the value does not open as a record stored under that key
     */
    Optional<VersionedRecord> decode(String key, byte[] value);

    byte[] encodeLedger(NodeId node, SliceDigest digest);

    /** @return the digest {@code node} published, or empty when {@code value} is not one of its ledgers */
    Optional<SliceDigest> decodeLedger(NodeId node, byte[] value);
}
