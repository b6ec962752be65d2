package org.nuttssh.cluster.registry;

import java.util.HashMap;
import java.util.Map;

import org.nuttssh.registry.NodeId;

/**
 * When a slice that looks out of step is worth reading. Entry events take milliseconds, the periodic check seconds, so
 * a difference that is real survives to the next check while the reference (what the slice should hold) stays the
 * same; one that comes from writes in flight does not. A slice whose owner never rests (a write in every period) is
 * read anyway after {@link #RESTLESS_CHECKS} checks in a row that found it different: missed events still heal then,
 * and a busy owner costs one read of its slice per that many periods.
 */
final class Suspicions {

    static final int RESTLESS_CHECKS = 6;

    private record Suspicion(SliceDigest reference, int checks) {
    }

    private final Map<NodeId, Suspicion> open = new HashMap<>();

    /**
     * @param reference what the slice should hold: its owner's ledger, or (for the owner) what it wrote
     * @param observed  what this node sees of it: its mirror, or (for the owner) the map
     * @return whether to read the slice now
     */
    synchronized boolean confirm(NodeId node, SliceDigest reference, SliceDigest observed) {
        if (reference.equals(observed)) {
            open.remove(node);
            return false;
        }
        Suspicion before = open.get(node);
        int checks = before == null ? 1 : before.checks() + 1;
        if (before != null && (before.reference().equals(reference) || checks >= RESTLESS_CHECKS)) {
            open.remove(node);
            return true;
        }
        open.put(node, new Suspicion(reference, checks));
        return false;
    }

    synchronized void forget(NodeId node) {
        open.remove(node);
    }
}
