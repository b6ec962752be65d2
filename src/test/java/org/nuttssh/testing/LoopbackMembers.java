package org.nuttssh.testing;

import com.hazelcast.config.Config;

/** Hazelcast members of one test on loopback, finding each other over TCP there only, silent to the outside. */
public final class LoopbackMembers {

    private LoopbackMembers() {
    }

    /** A member's configuration for {@code cluster}; use a random name so that other tests' members stay apart. */
    public static Config config(String cluster) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return config;
    }
}
