package org.nuttssh.cluster.membership;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.nuttssh.cluster.registry.HazelcastRegistry;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.config.StartupException;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.DiscoveryStrategyConfig;
import com.hazelcast.config.EndpointConfig;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.instance.EndpointQualifier;

/**
 * The Hazelcast member's configuration: {@code cluster.xml} (or the copy in the jar), then what the command line
 * says, then what the relay requires whatever the file says. Hazelcast's open-source edition has neither TLS nor
 * member authentication, so the member is locked down as far as it can be: it listens on one address only, speaks
 * only the member protocol (no client protocol, REST or memcache on any port), deserialises only the classes the
 * relay and Vert.x store, and never phones home.
 */
public final class HazelcastSettings {

    static final String BUNDLED_CONFIG = "/cluster.xml";
    /**
     * The member attribute that carries the relay's own node id. Hazelcast gives a member a new UUID when it merges
     * back after a split; attributes stay, so the relay's records and addresses keep their node across a merge.
     */
    public static final String NODE_ATTRIBUTE = "nuttssh.node";
    /**
     * The only classes Hazelcast may deserialise from the network beyond its own and the JDK's (its default
     * whitelist): the counter Vert.x's cluster manager runs on the members, and what the registry adds
     * ({@link HazelcastRegistry#configure}). Map values themselves are byte arrays, which Hazelcast stores without Java
     * serialisation.
     */
    static final String[] DESERIALISABLE = {
        "io.vertx.spi.cluster.hazelcast.impl.HazelcastCounter",
    };

    private static final Logger log = LoggerFactory.getLogger(HazelcastSettings.class);

    private HazelcastSettings() {
    }

    static Config of(ClusterConfig config, NodeId node) throws StartupException {
        Config hazelcast = loadXml(config.configFile());
        hazelcast.setClusterName(config.name());
        hazelcast.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, node.value());
        // Announced for ClusterFormats; a node of release 0.1 ignores attributes it does not know.
        hazelcast.getMemberAttributeConfig().setAttribute(ClusterFormats.RELEASE_ATTRIBUTE, RelayVersion.version());
        hazelcast.getMemberAttributeConfig().setAttribute(ClusterFormats.FORMAT_ATTRIBUTE,
                String.valueOf(ClusterFormats.CURRENT));
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        // Without these, the member listens on every interface whatever its interfaces say.
        hazelcast.setProperty("hazelcast.socket.bind.any", "false");
        hazelcast.setProperty("hazelcast.socket.server.bind.any", "false");
        hazelcast.setProperty("hazelcast.socket.client.bind.any", "false");
        hazelcast.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setWhitelist(new ClassFilter().addClasses(DESERIALISABLE)));
        HazelcastRegistry.configure(hazelcast);

        AdvancedNetworkConfig network = memberEndpointOnly(hazelcast);
        ServerSocketEndpointConfig member =
                (ServerSocketEndpointConfig) network.getEndpointConfigs().get(EndpointQualifier.MEMBER);
        JoinConfig join = network.getJoin();
        if (!config.members().isEmpty()) {
            join.getTcpIpConfig().setEnabled(true).setMembers(config.members());
            join.getMulticastConfig().setEnabled(false);
        }
        if (config.dns() != null) {
            // Discovery replaces every other way of joining; the member list of the file would only add stale names.
            join.getTcpIpConfig().setEnabled(false);
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getDiscoveryConfig().getDiscoveryStrategyConfigs().clear();
            join.getDiscoveryConfig().addDiscoveryStrategyConfig(
                    new DiscoveryStrategyConfig(DnsDiscovery.factory(config.dns(), member.getPort())));
            hazelcast.setProperty("hazelcast.discovery.enabled", "true");
        }
        if (config.host() != null) {
            member.setInterfaces(new InterfacesConfig().setEnabled(true).addInterface(config.host()));
            hazelcast.setProperty("hazelcast.local.localAddress", config.host());
        }
        if (config.publicHost() != null) {
            member.setPublicAddress(config.publicHost());
        }
        return hazelcast;
    }

    /**
     * Hazelcast's advanced network, with a member endpoint and nothing else: a Hazelcast client, a REST or memcache
     * request on the member port is refused. A file written with the plain {@code <network>} element is carried over.
     */
    private static AdvancedNetworkConfig memberEndpointOnly(Config hazelcast) {
        AdvancedNetworkConfig network = hazelcast.getAdvancedNetworkConfig();
        ServerSocketEndpointConfig member;
        if (network.isEnabled()) {
            Map<EndpointQualifier, EndpointConfig> endpoints = network.getEndpointConfigs();
            member = (ServerSocketEndpointConfig) endpoints.get(EndpointQualifier.MEMBER);
            if (endpoints.size() > 1) {
                log.warn("cluster config: only the member endpoint is served; ignoring {}",
                        endpoints.keySet().stream().filter(e -> !e.equals(EndpointQualifier.MEMBER)).toList());
            }
        } else {
            NetworkConfig plain = hazelcast.getNetworkConfig();
            member = new ServerSocketEndpointConfig()
                    .setPort(plain.getPort())
                    .setPortCount(plain.getPortCount())
                    .setPortAutoIncrement(plain.isPortAutoIncrement())
                    .setReuseAddress(plain.isReuseAddress())
                    .setInterfaces(plain.getInterfaces())
                    .setPublicAddress(plain.getPublicAddress())
                    .setOutboundPortDefinitions(plain.getOutboundPortDefinitions());
            network.setJoin(plain.getJoin());
        }
        network.setEnabled(true);
        network.setEndpointConfigs(Map.of(EndpointQualifier.MEMBER, member));
        return network;
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
            try (InputStream in = HazelcastSettings.class.getResourceAsStream(BUNDLED_CONFIG)) {
                if (in == null) {
                    throw new StartupException("no ./cluster.xml and none bundled in the jar; pass --cluster-config");
                }
                return new XmlConfigBuilder(in).build();
            }
        } catch (IOException | InvalidConfigurationException e) {
            throw new StartupException("cluster config " + chosen + " is not valid Hazelcast XML: " + e.getMessage());
        }
    }
}
