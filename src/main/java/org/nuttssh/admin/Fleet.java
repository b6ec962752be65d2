package org.nuttssh.admin;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Sighting;

/** The operator commands' view of the whole relay: every node, which may be just this one. */
public interface Fleet {

    /** Whether the relay may span several nodes, so that listings say which node holds each client. */
    boolean spansNodes();

    /** The nodes as the node answering sees them. */
    ClusterView view();

    /** The circuits of every listening client, from every node that answers. */
    CompletionStage<FleetAnswer<ClientTraffic>> traffic();

    /** Names seen within the presence retention and held by no listening client now, sorted by name. */
    CompletionStage<List<Sighting>> offline();

    /** Every open circuit, from every node that answers. */
    CompletionStage<FleetAnswer<CircuitView>> circuits();

    /**
     * Disconnects a listening client on whichever node holds it.
     *
     * @return false if it had already gone
     */
    CompletionStage<Boolean> kick(ListenerRecord client, String by);
}
