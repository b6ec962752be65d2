package org.nuttssh.ssh;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** A connected client as a drain lets it go: out of the registry first, then off the node. */
interface DrainedClient {

    /** Its registry id. */
    String id();

    Instant connectedAt();

    boolean isConnected();

    /** Takes its names out of the registry; it stays connected, and reachable by circuits already routed to it. */
    CompletionStage<Void> unlist();

    /** Ends the connection, telling the client why; later calls do nothing. */
    void disconnect(String reason);
}
