package org.nuttssh.cluster.membership;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.logging.ILogger;
import com.hazelcast.spi.discovery.AbstractDiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryNode;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryStrategyFactory;
import com.hazelcast.spi.discovery.SimpleDiscoveryNode;

/**
 * Finds the members by one DNS name that resolves to every node: a Kubernetes headless Service, or a compose service
 * run with several replicas (Docker's DNS answers a service name with every container's address). Hazelcast asks
 * again on every join attempt and every merge check, so nodes that start later, or come back with another address,
 * are found without a member list to edit. Each node listens on the same member port, so the addresses alone suffice.
 *
 * <p>Hazelcast calls this on its own join and merge threads, never on an event loop, so the blocking lookup waits
 * there. The JVM keeps a successful lookup for 30 seconds (its {@code networkaddress.cache.ttl} default), which bounds
 * how soon a split notices a node that started meanwhile; a node that starts later finds the others itself.
 */
final class DnsDiscovery extends AbstractDiscoveryStrategy {

    private final String name;
    private final int port;
    /** Whether the last lookup failed, so that a name that does not resolve is logged once, not every 5 s. */
    private volatile boolean failing;

    private DnsDiscovery(String name, int port, ILogger logger) {
        super(logger, Map.of());
        this.name = name;
        this.port = port;
    }

    /** The factory Hazelcast's join configuration takes, for this name and member port. */
    static DiscoveryStrategyFactory factory(String name, int port) {
        return new Factory(name, port);
    }

    @Override
    public Iterable<DiscoveryNode> discoverNodes() {
        try {
            List<DiscoveryNode> nodes = Arrays.stream(InetAddress.getAllByName(name))
                    .<DiscoveryNode>map(address -> new SimpleDiscoveryNode(new Address(address, port)))
                    .toList();
            if (failing) {
                failing = false;
                getLogger().info("cluster-dns: " + name + " resolves again, to " + nodes.size() + " address(es)");
            }
            return nodes;
        } catch (UnknownHostException e) {
            if (!failing) {
                failing = true;
                getLogger().warning("cluster-dns: " + name + " does not resolve (" + e.getMessage()
                        + "); asking again at every join attempt and merge check");
            }
            return List.of();
        }
    }

    private record Factory(String name, int port) implements DiscoveryStrategyFactory {

        @Override
        public Class<? extends DiscoveryStrategy> getDiscoveryStrategyType() {
            return DnsDiscovery.class;
        }

        @Override
        public DiscoveryStrategy newDiscoveryStrategy(DiscoveryNode node, ILogger logger,
                                                      Map<String, Comparable> properties) {
            return new DnsDiscovery(name, port, logger);
        }

        @Override
        public Collection<PropertyDefinition> getConfigurationProperties() {
            return List.of();
        }
    }
}
