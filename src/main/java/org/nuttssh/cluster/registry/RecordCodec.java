package org.nuttssh.cluster.registry;

import java.util.Optional;

import org.nuttssh.registry.ListenerRecord;

/** How a listener record is stored in the shared map, under its id, with its owner's version. */
public interface RecordCodec {

    /** Records as plain JSON, which anyone on the cluster network can read and write: {@code --cluster-insecure}. */
    static RecordCodec plain() {
        return new ListenerRecordJson();
    }

    /** @param version the owner's version of this write; see {@link VersionedRecord} */
    byte[] encode(ListenerRecord record, long version);

    /**
     * @param key the map key the value was found under
     * @return the record, or empty when the value does not open as a record stored under that key
     */
    Optional<VersionedRecord> decode(String key, byte[] value);
}
