package org.nuttssh.metrics;

/**
 * What a relay node counts about itself, read when metrics are scraped. Every method is cheap and never blocks, as
 * scrapes are answered on an event loop.
 */
public interface RelayStatistics {

    /** SSH connections open now, authenticated or not. */
    int connectionsOpen();

    /** SSH connections open now that have not authenticated yet, as max-startups counts them. */
    int connectionsUnauthenticated();

    /** Sources (addresses, IPv6 /64s) whose new connections are refused now for their offences. */
    int penalisedSources();

    /** Times a source's connections began to be refused for its offences, since start. */
    long penaltiesStarted();

    /** SSH connections accepted since start. */
    long connectionsAccepted();

    /** Authenticated clients connected now. */
    int authenticatedClients();

    /** Clients with at least one virtual listener, connected to this node. */
    int listeningClients();

    /** Virtual listeners (ports) of the clients connected to this node. */
    int listeners();

    int circuitsOpen();

    /** Circuits opened on this node since start. */
    long circuitsOpened();

    /** Circuits refused, by reason, by decisions taken on this node. */
    Tally<?> circuitRefusals();

    /** Bytes relayed from initiators to listening clients. */
    long bytesUp();

    /** Bytes relayed from listening clients to initiators. */
    long bytesDown();

    /** Public keys refused at login. */
    long authFailures();

    /** Connections, listeners or circuits turned away, by the limit's setting. */
    Tally<?> limitRefusals();

    /** Certificates refused at login, by reason. */
    Tally<?> certificateRefusals();

    /** Heap in use after the last garbage collection, in bytes. */
    long memoryUsedAfterGc();

    /** The heap the relay may use (max-memory, or the JVM's maximum heap when smaller), in bytes. */
    long memoryBound();

    /**
     * What senders may have sent towards this node that it has not passed on, in bytes: the windows of circuit
     * channels and the credit of cross-node circuits, their floors included.
     */
    long windowsGranted();

    /** What those windows may hold above their floors, together (a share of the memory bound), in bytes. */
    long windowsBudget();

    /** Nodes in the cluster as this node sees it; 1 for a single node. */
    int clusterMembers();

    /** Times this node merged back into the cluster after a split. */
    long clusterMerges();

    /** Times this node's registry was found out of step with the cluster's and repaired. */
    long registryResyncs();

    /** Values in the shared registry that did not open as records: another cluster secret, or not a relay's. */
    long registryUnreadable();

    /**
     * Messages from other cluster members refused: frames for circuits this node never had, circuit opens and operator
     * requests not signed by a member node.
     */
    long clusterRefused();

    /** Whether this node runs in a cluster without TLS and sealed records. */
    boolean clusterInsecure();

    /** Listening clients in the registry, on every node: as many as this node knows (in a cluster, mirrors). */
    int registryClients();

    /** Names (hostnames and aliases) of the listening clients connected to this node: its share of the registry. */
    int registryLocalNames();

    /** Names (hostnames and aliases) in the registry, on every node: as many as this node knows. */
    int registryNames();

    /** Seconds spent keeping this node's registry in step with the cluster's; 0 for a single node. */
    double registryUpkeepSeconds();

    /** Records read from the shared map to keep this node's registry in step; 0 for a single node. */
    long registryRecordsFetched();

    /** This node's events meant for the event webhook, by what became of them: sent, dropped, failed. */
    Tally<?> webhookEvents();

    /** Other members' proofs of node identity refused (or taken back), by reason; none on a single node. */
    Tally<?> clusterProofRefusals();
}
