package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

/** What another node asks of this one: a circuit from its initiator to a listening client connected here. */
public interface IncomingCircuits {

    /**
     * @param initiator the stand-in for the initiator's end on its node
     * @return the started circuit, or a {@link CircuitRefusedException} saying why not
     */
    CompletionStage<Circuit> acceptFromRemote(String listenerId, int port, String originHost, int originPort,
                                              CircuitEnd initiator);
}
