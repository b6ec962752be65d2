package org.nuttssh.testing;

import java.util.UUID;

import com.hazelcast.config.Config;

/** A Hazelcast member's configuration for tests: loopback only, no discovery, a cluster name of its own. */
public final class LoopbackHazelcast {

    private LoopbackHazelcast() {
    }

    /** @param name the cluster name's prefix; a random suffix keeps concurrent runs apart */
    public static Config config(String name) {
        return named(name + "-" + UUID.randomUUID());
    }

    /** @param cluster the exact cluster name, for members that are to find each other */
    public static Config named(String cluster) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        return config;
    }

    /** Members of {@code cluster} that find each other over TCP on loopback; use a name of its own per test. */
    public static Config members(String cluster) {
        Config config = named(cluster);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return config;
    }
}
