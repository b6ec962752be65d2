package org.nuttssh.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.registry.NodeId;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.XmlConfigBuilder;

/**
 * The Hazelcast member's configuration: {@code cluster.xml} (or the copy in the jar), then what the command line
 * says, then what the relay needs whatever the file says.
 */
final class HazelcastSettings {

    static final String BUNDLED_CONFIG = "/cluster.xml";
    /**
     * The member attribute that carries the relay's own node id. Hazelcast gives a member a new UUID when it merges
     * back after a split; attributes stay, so the relay's records and addresses keep their node across a merge.
     */
    static final String NODE_ATTRIBUTE = "nuttssh.node";

    private HazelcastSettings() {
    }

    static Config of(ClusterConfig config, NodeId node) throws StartupException {
        Config hazelcast = loadXml(config.configFile());
        hazelcast.setClusterName(config.name());
        hazelcast.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, node.value());
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
