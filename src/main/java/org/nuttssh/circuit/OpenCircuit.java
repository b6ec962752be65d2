package org.nuttssh.circuit;

import org.nuttssh.registry.NodeId;

/**
 * A circuit on this node with what the relay knows about it. A circuit between two nodes runs as one half on each;
 * the initiator's half knows the initiator and writes the audit record, the listener's half knows only which local
 * client it ends at.
 *
 * @param initiator     who opened it, or null on the listener's half of a cross-node circuit
 * @param target        the name as the initiator wrote it ({@code gw1~1}), or the listening client's name on the
 *                      listener's half
 * @param initiatorNode the node the initiator is connected to, or null when that is another node not named to us
 * @param targetNode    the node the listening client is connected to
 * @param localListener id of the listening client on this node the circuit ends at, or null when it ends elsewhere
 */
public record OpenCircuit(Circuit circuit, Initiator initiator, String target, int port, NodeId initiatorNode,
                          NodeId targetNode, String localListener) {

    /** Whether this node writes the circuit's audit record and lists it in {@code circuits}. */
    public boolean audited() {
        return initiator != null;
    }
}
