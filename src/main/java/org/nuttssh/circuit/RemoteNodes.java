package org.nuttssh.circuit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;

/** The other nodes of a cluster, as far as circuits need them. */
public interface RemoteNodes {

    /**
     * A node alone has no others. Its registry holds only its own clients, so a record naming another node would be
     * a bug; the initiator still gets a refusal rather than a hang.
     */
    RemoteNodes NONE = (target, port, originHost, originPort, initiator) -> CompletableFuture.failedFuture(
            CircuitRefusedException.connectFailed(target.hostname() + " is on node " + target.node().shortId()
                    + ", and this node is not in a cluster"));

    /**
     * Asks the node holding {@code target} to open a circuit end on it.
     *
     * @param initiator the initiator, for the far node's logs
     * @return the local stand-in for the far end, or a {@link CircuitRefusedException}
     */
    CompletionStage<CircuitEnd> openTarget(ListenerRecord target, int port, String originHost, int originPort,
                                           String initiator);
}
