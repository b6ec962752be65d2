package org.nuttssh.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nuttssh.testing.Await;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.LoopbackHazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** Hazelcast XML for in-JVM relays: a port range of their own on loopback, so other clusters here cannot interfere. */
public final class HazelcastFiles {

    private HazelcastFiles() {
    }

    /** Members on a free port range, found over TCP on loopback only; the file's form is the plain network one. */
    public static Path onFreePorts(Path dir) throws IOException {
        int base = FreePorts.tcp();
        Path file = dir.resolve("cluster.xml");
        Files.writeString(file, """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <properties>
                    <property name="hazelcast.wait.seconds.before.join">1</property>
                    <property name="hazelcast.max.wait.seconds.before.join">3</property>
                  </properties>
                  <network>
                    <port auto-increment="true" port-count="10">%d</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="true"><member-list><member>127.0.0.1:%d</member></member-list></tcp-ip>
                    </join>
                  </network>
                </hazelcast>
                """.formatted(base, base), StandardCharsets.UTF_8);
        return file;
    }

    /** The first port of the range in {@code file}. */
    static int firstPort(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.indexOf("port-count=\"10\">") + "port-count=\"10\">".length();
        return Integer.parseInt(text.substring(at, text.indexOf('<', at)));
    }

    /**
     * A plain Hazelcast member's configuration for the cluster in {@code file}: the cluster's name and member list,
     * all a stranger on the cluster network needs to join. It takes a port above the relays' own.
     */
    static Config stranger(Path file, String clusterName) throws IOException {
        Config config = LoopbackHazelcast.named(clusterName);
        config.getNetworkConfig().setPort(firstPort(file) + 5).setPortAutoIncrement(true);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
                .addMember("127.0.0.1:" + firstPort(file));
        return config;
    }

    /**
     * A plain Hazelcast member of the cluster in {@code file}, joined: a stranger on the cluster network. Terminate it
     * when done.
     *
     * @param members how many members the cluster has once it joined, itself included
     */
    static HazelcastInstance bareMember(Path file, String clusterName, int members) throws IOException {
        HazelcastInstance stranger = Hazelcast.newHazelcastInstance(stranger(file, clusterName));
        Await.until("the stranger in the cluster", () -> stranger.getCluster().getMembers().size() == members);
        return stranger;
    }
}
