package org.nuttssh.cluster.registry;

import org.nuttssh.registry.ListenerRecord;

/**
 * A record as its owner last wrote it to the shared map.
 *
 * @param version the owner's write counter: every write of any of its records takes the next number, so for one key a
 *                higher version is a later write. The owner's node id is the epoch: it is new at every start, so
 *                (node id, version) never repeats, and a node's counter can start at 1 again
 */
public record VersionedRecord(ListenerRecord record, long version) {
}
