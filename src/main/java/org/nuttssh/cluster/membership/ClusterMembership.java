package org.nuttssh.cluster.membership;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.nuttssh.auth.files.FilePolling;
import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.cluster.registry.NodeMembers;
import org.nuttssh.cluster.trust.ClusterSecrets;
import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.metrics.Tally;
import org.nuttssh.node.VertxClose;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * This node's membership in a cluster of relays: a clustered Vert.x (for the event bus) on a Hazelcast member (for
 * the shared registry). Nodes are known by the relay's own {@link NodeId}: unlike Hazelcast's member UUID, it stays
 * the same when a member merges back after a split. In a secure cluster a member is a node only once it has proven
 * which ({@link NodeProofs}); a member that has not is left out of routing, the registry and the member count.
 */
public final class ClusterMembership implements NodeMembers, AutoCloseable {

    /** Long enough for a first member to give up looking for others and form a cluster of one. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How often the revocation list's file is looked at: a revocation is to bite within 10 s, and re-checking the
     * proofs and purging a node's records take well under a second after this. The secret files are looked at as
     * often: a rotation's steps then each take seconds, not minutes.
     */
    static final Duration REVOCATION_POLL = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final NodeId nodeId;
    private final MemberIdentities identities;
    private final ProvenClusterManager routing;
    private final AtomicLong merges = new AtomicLong();
    private final ClusterFormats formats;
    /** In a secure cluster; null in an insecure one. */
    private SecretRotation secrets;
    /**
     * Follows the revocation list and the secret files in a secure cluster, on a thread of its own: reading a file
     * blocks.
     */
    private final ScheduledExecutorService revocations = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "nuttssh-cluster-revocations");
        thread.setDaemon(true);
        return thread;
    });

    private ClusterMembership(Vertx vertx, HazelcastInstance hazelcast, NodeId nodeId, MemberIdentities identities,
                              ProvenClusterManager routing) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.nodeId = nodeId;
        this.identities = identities;
        this.formats = new ClusterFormats(() -> hazelcast.getCluster().getMembers(), identities::nodeOf);
        this.routing = routing;
        // The event bus routes to the nodes proven now; a member proven later, or gone, changes where it routes.
        identities.onProven(node -> routing.refresh());
        routing.routeBy(identities);
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // Routed to once it has proven a node.
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                routing.refresh();
            }
        });
    }

    /** Reads the revocation list again whenever its file changes, and checks every proof against the new one. */
    private void followRevocations(ClusterTrust trust) {
        FilePolling.every(revocations, REVOCATION_POLL, trust.crl(), () -> {
            try {
                if (trust.reloadRevocations()) {
                    log.info("read the cluster's revocation list {} again: checking every node's proof", trust.crl());
                    identities.recheck();
                }
            } catch (IOException e) {
                log.error("cannot read the cluster's revocation list: {}", e.getMessage());
            }
        });
    }

    /** Reads the secret files again whenever they change, and follows the other nodes' announcements. */
    private void followSecrets(SecretRotation rotation, Path file) {
        secrets = rotation;
        FilePolling.every(revocations, REVOCATION_POLL, file, rotation::check);
    }

    /**
     * Joins (or forms) the cluster; blocks until done, so call it at start.
     *
     * @param eventBus   what becomes of the event bus's options: tests weaken them to show that their checks fail then
     * @param provenOnly whether the event bus routes to proven nodes only; false only where a test shows a TLS check
     *                   on its own, which routing would otherwise hide
     * @param proofRefusals counts the proofs of identity refused, by reason
     */
    public static ClusterMembership join(ClusterConfig config, UnaryOperator<EventBusOptions> eventBus,
                                         boolean provenOnly, Tally<ProofRefusal> proofRefusals)
            throws StartupException {
        // Read before joining: a node with unusable TLS files must not leave a member behind.
        ClusterTrust trust = config.security() instanceof ClusterConfig.Secure secure
                ? ClusterTrust.load(secure.tls()) : null;
        ClusterSecrets secrets = config.security() instanceof ClusterConfig.Secure secure
                ? ClusterSecrets.load(secure.secret()) : null;
        String nonce = BoundIds.nonce();
        NodeId nodeId = trust == null ? NodeId.random()
                : BoundIds.idOf(BoundIds.nameOf(trust.certificate()).orElse(""), nonce);
        HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSettings.of(config, nodeId));
        ProvenClusterManager routing = new ProvenClusterManager(manager, provenOnly);
        VertxOptions options = new VertxOptions().setEventBusOptions(eventBus.apply(EventBusSettings.of(config)));
        CompletableFuture<Vertx> joining = Vertx.builder().with(options).withClusterManager(routing)
                .buildClustered().toCompletionStage().toCompletableFuture();
        Vertx vertx;
        try {
            vertx = joining.get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new StartupException("cannot join cluster '" + config.name() + "': " + e.getCause().getMessage());
        } catch (TimeoutException | InterruptedException e) {
            // A join that completes after all must not leave a member behind that nobody will close.
            joining.thenAcceptAsync(VertxClose::await);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while joining cluster '" + config.name() + "'");
            }
            throw new StartupException("cannot join cluster '" + config.name() + "' within " + JOIN_TIMEOUT);
        }
        HazelcastInstance hazelcast = manager.getHazelcastInstance();
        NodeProofs proofs;
        try {
            proofs = trust == null ? null : NodeProofs.start(hazelcast, trust, nodeId, nonce,
                    BusAddress.of(routing.getNodeId(), routing.getNodeInfo()),
                    () -> new SecretIds(secrets.held().ids()), proofRefusals);
        } catch (RuntimeException e) {
            VertxClose.await(vertx);
            throw new StartupException("cannot publish this node's proof of identity in cluster '" + config.name()
                    + "': " + e.getMessage());
        }
        ClusterMembership membership = new ClusterMembership(vertx, hazelcast, nodeId,
                proofs == null ? new MemberAttributes() : proofs, routing);
        if (proofs != null) {
            membership.followRevocations(trust);
            membership.followSecrets(new SecretRotation(secrets, proofs), secrets.nextFile());
        }
        log.info("joined cluster '{}' as node {} with {} member(s)", config.name(), nodeId,
                membership.nodes().size());
        return membership;
    }

    public Vertx vertx() {
        return vertx;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    public NodeId nodeId() {
        return nodeId;
    }

    /** The relay nodes among the current members, this one included, in Hazelcast's member order. */
    @Override
    public List<NodeId> nodes() {
        return hazelcast.getCluster().getMembers().stream().map(identities::nodeOf).flatMap(Optional::stream)
                .distinct().toList();
    }

    /** Every member has proven which node it is; a stranger on the cluster network keeps this false. */
    @Override
    public boolean settled() {
        return hazelcast.getCluster().getMembers().stream().allMatch(member -> identities.nodeOf(member).isPresent());
    }

    /** Which cluster secret seals, while it is rotated; empty in an insecure cluster. */
    public Optional<SecretRotation> secrets() {
        return Optional.ofNullable(secrets);
    }

    /** Which forms the relay nodes now members read and write, and their releases. */
    public ClusterFormats formats() {
        return formats;
    }

    /** How this node signs its requests to others, and checks which node signed theirs. */
    public NodeSignatures signatures() {
        return identities;
    }

    /** Whether this node is a running member, for readiness. */
    public boolean isRunning() {
        return hazelcast.getLifecycleService().isRunning();
    }

    /** Proofs of identity refused since start (a certificate revoked, an id it does not prove, not a proof). */
    public long refusedProofs() {
        return identities.refused();
    }

    /** How often this node has merged back into a cluster after a split. */
    public long merges() {
        return merges.get();
    }

    /**
     * Calls back with a node's id once no member carries it any more: when it leaves or crashes, or when this node
     * finds itself cut off from it, or once its certificate is revoked. This is Hazelcast's own membership listener:
     * the Vert.x cluster manager's node listener belongs to Vert.x HA and must not be taken. Runs on a Hazelcast event
     * thread: never block in it.
     */
    public void onNodeLeft(Consumer<NodeId> callback) {
        identities.onRevoked(revoked -> {
            // A revoked node's addresses route nowhere from now on.
            routing.refresh();
            if (!nodes().contains(revoked)) {
                log.info("node {} is no longer a node: its certificate was revoked", revoked.shortId());
                callback.accept(revoked);
            }
        });
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                Optional<NodeId> joined = identities.nodeOf(event.getMember());
                if (joined.isEmpty()) {
                    log.info("Hazelcast member {} joined the cluster from {}; it counts as a relay node once it "
                            + "proves which", event.getMember().getUuid(), event.getMember().getAddress());
                } else {
                    log.info("node {} joined the cluster from {}", joined.get(), event.getMember().getAddress());
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                Optional<NodeId> departed = identities.nodeOf(event.getMember());
                identities.left(event.getMember());
                // A member claiming a node's id (by mistake, or a stranger on the cluster network) must not take
                // that node's names and circuits with it when it goes.
                if (departed.isPresent() && !nodes().contains(departed.get())) {
                    log.info("node {} at {} is no longer a member", departed.get().shortId(),
                            event.getMember().getAddress());
                    callback.accept(departed.get());
                }
            }
        });
    }

    /**
     * Calls back with a node's id once one of its members has proven it, later than it joined: its records and
     * circuit opens, ignored until then, are welcome now. Runs on a Hazelcast event thread: never block in it.
     */
    public void onNodeProven(Consumer<NodeId> callback) {
        identities.onProven(node -> {
            routing.refresh();
            callback.accept(node);
        });
    }

    /**
     * Calls back, on a worker thread, each time this node has merged back into the cluster after a split. The rest of
     * the cluster knows nothing this side did meanwhile, and this side missed what they did: both need repair.
     */
    public void onMerged(Runnable repair) {
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGED) {
                merges.incrementAndGet();
                log.info("merged back into the cluster after a split; {} member(s) now", nodes().size());
                // Hazelcast calls this under its lifecycle lock; the repair reads the shared map.
                vertx.executeBlocking(() -> {
                    identities.merged();
                    routing.refresh();
                    repair.run();
                    return null;
                }, false);
            }
        });
    }

    /** Leaves the cluster: closing the clustered Vert.x shuts its Hazelcast member down too. */
    @Override
    public void close() {
        revocations.shutdownNow();
        VertxClose.await(vertx);
    }

    @Override
    public String toString() {
        return "cluster membership of node " + nodeId;
    }

}
