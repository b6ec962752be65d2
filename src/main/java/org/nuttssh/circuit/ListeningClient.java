package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

/** A listening client connected to this node, able to open the target end of a circuit. */
public interface ListeningClient {

    /**
     * Asks the client to accept a circuit on one of its virtual ports ({@code forwarded-tcpip}).
     *
     * @param port       the virtual port
     * @param originHost the initiator's address, as the client will see it
     * @param originPort the initiator's port
     * @return the opened end, or a {@link CircuitRefusedException} with the client's reason
     */
    CompletionStage<CircuitEnd> openTarget(int port, String originHost, int originPort);
}
