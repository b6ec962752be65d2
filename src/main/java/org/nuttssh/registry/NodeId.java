package org.nuttssh.registry;

import java.util.Objects;
import java.util.UUID;

/**
 * A relay node's identity, chosen by the node when it starts: the registry records it for each listening client, and
 * nodes address each other by it. A single node has one too, so that records and logs read the same either way.
 */
public record NodeId(String value) {

    public NodeId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("node id: '' (expected: a non-empty id)");
        }
    }

    public static NodeId random() {
        return new NodeId(UUID.randomUUID().toString());
    }

    /** Ids are UUIDs; their first group is enough for people to tell nodes apart (the NODE column, logs). */
    public String shortId() {
        int dash = value.indexOf('-');
        return dash > 0 ? value.substring(0, dash) : value;
    }

    @Override
    public String toString() {
        return value;
    }
}
