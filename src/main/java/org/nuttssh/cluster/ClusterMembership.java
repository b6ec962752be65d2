package org.nuttssh.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.nuttssh.config.StartupException;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.node.VertxClose;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.HazelcastInstance;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * This node's membership in a cluster of relays: a clustered Vert.x (for the event bus) on a Hazelcast member (for
 * the shared registry), configured from {@code cluster.xml} plus the command line.
 */
public final class ClusterMembership implements AutoCloseable {

    /** Long enough for a first member to give up looking for others and form a cluster of one. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    static final String BUNDLED_CONFIG = "/cluster.xml";

    private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final NodeId nodeId;

    private ClusterMembership(Vertx vertx, HazelcastInstance hazelcast, NodeId nodeId) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.nodeId = nodeId;
    }

    /** Joins (or forms) the cluster; blocks until done, so call it at start. */
    public static ClusterMembership join(ClusterConfig config) throws StartupException {
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
        VertxOptions options = new VertxOptions().setEventBusOptions(eventBusOptions(config));
        CompletableFuture<Vertx> joining = Vertx.builder().with(options).withClusterManager(manager)
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
        // The member UUID, not Vert.x's node id: membership events name members by it.
        NodeId nodeId = new NodeId(hazelcast.getCluster().getLocalMember().getUuid().toString());
        ClusterMembership node = new ClusterMembership(vertx, hazelcast, nodeId);
        log.info("joined cluster '{}' as node {} with {} member(s)", config.name(), node.nodeId,
                node.memberIds().size());
        return node;
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

    /** Ids of the current members, this one included. */
    public Set<NodeId> memberIds() {
        return hazelcast.getCluster().getMembers().stream().map(m -> new NodeId(m.getUuid().toString()))
                .collect(Collectors.toSet());
    }

    /**
     * Calls back with a member's id when it leaves or crashes. This is Hazelcast's own membership listener: the
     * Vert.x cluster manager's node listener belongs to Vert.x HA and must not be taken.
     */
    public void onMemberLeft(Consumer<NodeId> callback) {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                log.info("node {} joined the cluster", event.getMember().getUuid());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                callback.accept(new NodeId(event.getMember().getUuid().toString()));
            }
        });
    }

    /** Leaves the cluster: closing the clustered Vert.x shuts its Hazelcast member down too. */
    @Override
    public void close() {
        VertxClose.await(vertx);
    }

    static Config hazelcastConfig(ClusterConfig config) throws StartupException {
        Config hazelcast = loadXml(config.configFile());
        hazelcast.setClusterName(config.name());
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        if (!config.members().isEmpty()) {
            hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(config.members());
            hazelcast.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        }
        if (config.host() != null) {
            hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(config.host());
            hazelcast.setProperty("hazelcast.local.localAddress", config.host());
        }
        if (config.publicHost() != null) {
            hazelcast.getNetworkConfig().setPublicAddress(config.publicHost());
        }
        return hazelcast;
    }

    private static Config loadXml(Path file) throws StartupException {
        Path chosen = file != null ? file : Path.of("cluster.xml");
        try {
            if (Files.isRegularFile(chosen)) {
                try (InputStream in = Files.newInputStream(chosen)) {
                    return new XmlConfigBuilder(in).build();
                }
            }
            if (file != null) {
                throw new StartupException("cluster config " + file + " not found");
            }
            try (InputStream in = ClusterMembership.class.getResourceAsStream(BUNDLED_CONFIG)) {
                if (in == null) {
                    throw new StartupException("no ./cluster.xml and none bundled in the jar; pass --cluster-config");
                }
                return new XmlConfigBuilder(in).build();
            }
        } catch (IOException | InvalidConfigurationException e) {
            throw new StartupException("cluster config " + chosen + " is not valid Hazelcast XML: " + e.getMessage());
        }
    }

    private static EventBusOptions eventBusOptions(ClusterConfig config) {
        EventBusOptions options = new EventBusOptions();
        if (config.host() != null) {
            options.setHost(config.host());
        }
        if (config.publicHost() != null) {
            options.setClusterPublicHost(config.publicHost());
        }
        ClusterConfig.ClusterTls tls = config.tls();
        if (tls != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                            .setKeyPath(tls.key().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
                    .setClientAuth(ClientAuth.REQUIRED);
        }
        return options;
    }
}
