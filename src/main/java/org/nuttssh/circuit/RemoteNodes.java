package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;

/** The other nodes of a cluster, as far as circuits need them. */
public interface RemoteNodes {

    /**
     * Asks the node holding {@code target} to open a circuit end on it.
     *
     * @param initiator the initiator, for the far node's logs
     * @return the local stand-in for the far end, or a {@link CircuitRefusedException}
     */
    CompletionStage<CircuitEnd> openTarget(ListenerRecord target, int port, String originHost, int originPort,
                                           String initiator);
}
