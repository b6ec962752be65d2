package org.nuttssh.cluster.registry;

import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PackedRecord;

/**
 * Another node's record as this node mirrors it: packed, with what the mirror knows of the value it came in, so that
 * one object per name holds it all (no entry in a map by key beside it, no key string).
 */
final class MirroredRecord extends PackedRecord {

    private final long version;
    private final long hash;
    private final long stamp;

    /**
     * @param node    the one instance this node keeps of the record's node
     * @param version its owner's version of the write ({@link VersionedRecord})
     * @param hash    the value's entry hash ({@link SliceDigest#hash})
     * @param stamp   when it was mirrored, in the mirror's own count of puts
     */
    MirroredRecord(VersionedRecord stored, NodeId node, long hash, long stamp) {
        super(stored.record(), node);
        this.version = stored.version();
        this.hash = hash;
        this.stamp = stamp;
    }

    long version() {
        return version;
    }

    long hash() {
        return hash;
    }

    long stamp() {
        return stamp;
    }

    String key() {
        return RecordKey.of(id(), node());
    }
}
