package org.nuttssh.cluster.registry;

import java.util.Optional;

import org.nuttssh.registry.ListenerRecord;

/** How a listener record is stored in the shared map, under its id. */
public interface RecordCodec {

    /** Records as plain JSON, which anyone on the cluster network can read and write: {@code --cluster-insecure}. */
    static RecordCodec plain() {
        return new ListenerRecordJson();
    }

    byte[] encode(ListenerRecord record);

    /**
     * @param key the map key the value was found under
     * @return the record, or empty when the value does not open as a record stored under that key
     */
    Optional<ListenerRecord> decode(String key, byte[] value);
}
