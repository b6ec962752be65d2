package org.nuttssh.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.nuttssh.circuit.Refusals;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.cluster.membership.HazelcastSettings;
import org.nuttssh.cluster.membership.ProofRefusal;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.events.EventSink;
import org.nuttssh.metrics.Tally;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.testing.FakeNodeAdmin;
import org.nuttssh.testing.Records;

import com.hazelcast.core.Hazelcast;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.NodeInfo;

/** One clustered relay node without SSH: its membership, registry and switchboard, serving other nodes. */
record TestNode(ClusteredNode node, Switchboard switchboard) implements AutoCloseable {

    static TestNode join(ClusterConfig config) throws StartupException {
        return join(ClusteredNode.join(config, PresenceConfig.DEFAULT,
                Tally.of(ProofRefusal.class, ProofRefusal::label)));
    }

    /**
     * A node whose event bus routes to every member, as vertx-hazelcast does, so that a TLS check shows on its own.
     *
     * @param eventBus what becomes of the node's event-bus options, to weaken them
     */
    static TestNode join(ClusterConfig config, UnaryOperator<EventBusOptions> eventBus) throws StartupException {
        return join(ClusteredNode.join(config, eventBus, false));
    }

    private static TestNode join(ClusteredNode node) {
        Switchboard switchboard = new Switchboard(node.registry(), node.remoteNodes(), node.id(), 0, Duration.ZERO, new Refusals(),
                EventSink.NONE);
        node.serve(switchboard, new FakeNodeAdmin(node.id()));
        return new TestNode(node, switchboard);
    }

    /** A listening client's record on this node, on one port. */
    ListenerRecord record(String id, String hostname, int port) {
        return Records.listener(id, node.id(), hostname).ports(port).build();
    }

    Optional<String> resolve(String name, int index) {
        return node.registry().resolve(name, index).toCompletableFuture().join().map(ListenerRecord::id);
    }

    List<String> connectNames() {
        return node.registry().list().toCompletableFuture().join().stream().map(Listing::connectName)
                .toList();
    }

    /** Where this node's event bus listens. */
    InetSocketAddress eventBusAddress() {
        NodeInfo info = ((VertxInternal) node.vertx()).clusterManager().getNodeInfo();
        return new InetSocketAddress(info.host(), info.port());
    }

    /** Stops this node as a crash would: no goodbye to the others, who must notice by themselves. */
    void crash() {
        Hazelcast.getAllHazelcastInstances().stream()
                .filter(member -> node.id().value().equals(
                        member.getCluster().getLocalMember().getAttribute(HazelcastSettings.NODE_ATTRIBUTE)))
                .forEach(member -> member.getLifecycleService().terminate());
        node.close();
    }

    @Override
    public void close() {
        node.close();
    }
}
