package org.nuttssh.cluster.registry;

import java.util.Optional;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

/**
 * A record's key in the shared map: {@code NODE@ID}. A node's records, its slice, are then one range of keys, which a
 * sorted index on the key finds without scanning the rest of the map: a slice is read or summed in time that grows
 * with the slice, not with the map. Node ids and record ids carry no {@code @}.
 */
final class RecordKey {

    private static final char SEPARATOR = '@';
    /** Above every character a record id holds: the end of a slice's range. */
    private static final char AFTER_ANY = '\uffff';

    private RecordKey() {
    }

    static String of(ListenerRecord record) {
        return of(record.id(), record.node());
    }

    static String of(String id, NodeId node) {
        return node.value() + SEPARATOR + id;
    }

    /** The node whose slice a key belongs to, or empty for a key no relay writes. */
    static Optional<NodeId> nodeOf(String key) {
        int at = key.indexOf(SEPARATOR);
        return at > 0 && at < key.length() - 1 ? Optional.of(new NodeId(key.substring(0, at))) : Optional.empty();
    }

    /** The record id a key stands for. */
    static String idOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /** The index that makes {@link #slice} a range lookup. */
    static IndexConfig index() {
        return new IndexConfig(IndexType.SORTED, "__key");
    }

    /** The keys of {@code node}'s slice. */
    static <V> Predicate<String, V> slice(NodeId node) {
        return Predicates.between("__key", node.value() + SEPARATOR, node.value() + SEPARATOR + AFTER_ANY);
    }
}
