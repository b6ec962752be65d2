package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

/** What an initiator's channel asks of the switchboard: a circuit to a name. */
public interface Connector {

    /**
     * Opens a circuit from {@code initiator} to {@code target:port}.
     *
     * @param who    the client asking, for its circuit limit and the audit record
     * @param target the name as the initiator wrote it, e.g. {@code gw1} or {@code gw1~1}
     * @return the started circuit, or a {@link CircuitRefusedException} saying why not
     */
    CompletionStage<Circuit> connect(CircuitEnd initiator, Initiator who, String target, int port, String originHost,
                                     int originPort);

    /**
     * Reports that {@code who} did not get its circuit to {@code target:port}, whoever refused it: the channel's own
     * checks, this switchboard, or the node holding the target. Called once per refused open, by the channel.
     */
    void refused(Initiator who, String target, int port, CircuitRefusedException why);
}
