package org.nuttssh.admin;

import java.time.Instant;

import org.nuttssh.registry.NodeId;

/**
 * One open circuit, for {@code circuits}; reported by the initiator's node, so each circuit appears once.
 *
 * @param from          the initiator, {@code name@address}
 * @param to            the target as the initiator wrote it, {@code name[~N]:port}
 * @param initiatorNode node the initiator is connected to
 * @param targetNode    node the listening client is connected to
 */
public record CircuitView(String from, String to, Instant openedAt, long bytesUp, long bytesDown,
                          NodeId initiatorNode, NodeId targetNode) {
}
