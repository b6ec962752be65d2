package org.nuttssh.circuit;

import java.util.List;

import org.nuttssh.registry.NodeId;

/** What statistics, the operator commands and the drain read of this node's switchboard; nothing here changes it. */
public interface SwitchboardView {

    NodeId node();

    boolean isDraining();

    /** Circuits open on this node right now, with whose they are. */
    List<OpenCircuit> openCircuits();

    int openCircuitCount();

    /** Circuits opened on this node since it started, closed ones included. */
    long openedCircuits();

    /** Bytes relayed from initiators to listening clients on this node since it started. */
    long bytesUp();

    /** Bytes relayed from listening clients to initiators on this node since it started. */
    long bytesDown();

    /** The circuits of a listening client connected here. */
    ListenerTraffic traffic(String listenerId);

    /** Circuits a client connected here takes part in, as initiator or as listening client. */
    int circuitsInvolving(String clientId);

    /** Listening clients connected to this node. */
    int localListeningClients();

    /** Names (hostnames and aliases) the listening clients connected to this node hold in the registry. */
    int localNames();

    /** Virtual listeners (ports) of the listening clients connected to this node. */
    int localListeners();
}
