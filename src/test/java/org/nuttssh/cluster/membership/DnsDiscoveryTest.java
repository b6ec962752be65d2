package org.nuttssh.cluster.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.SettingException;
import org.nuttssh.it.HazelcastFiles;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.logging.Logger;
import com.hazelcast.spi.discovery.DiscoveryNode;

/** cluster-dns: members found by a name that resolves to every node, in place of a member list. */
class DnsDiscoveryTest {

    @TempDir
    Path dir;
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void nodesFindEachOtherByTheNameAlone() throws Exception {
        // localhost resolves to this machine; the second member's port is the first one's + 1, so only discovery of
        // the name at the member port (the first) brings the two together: the file's member list is off.
        ClusterConfig config = dnsConfig("localhost");
        for (int i = 0; i < 2; i++) {
            Config hazelcast = HazelcastSettings.of(config, NodeId.random());
            assertFalse(hazelcast.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
            members.add(Hazelcast.newHazelcastInstance(hazelcast));
        }
        Await.until("both members in one cluster",
                () -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 2));
    }

    @Test
    void theNameReplacesEveryOtherWayOfJoining() throws Exception {
        Config hazelcast = HazelcastSettings.of(dnsConfig("relay"), NodeId.random());
        JoinConfig join = hazelcast.getAdvancedNetworkConfig().getJoin();
        assertFalse(join.getTcpIpConfig().isEnabled(), "the file's member list is off");
        assertFalse(join.getMulticastConfig().isEnabled());
        assertEquals(1, join.getDiscoveryConfig().getDiscoveryStrategyConfigs().size());
        assertEquals("true", hazelcast.getProperty("hazelcast.discovery.enabled"));
    }

    @Test
    void aNameThatDoesNotResolveFindsNobodyYet() {
        // .invalid never resolves (RFC 6761); the node then forms a cluster of its own and asks again later.
        var strategy = DnsDiscovery.factory("nobody.invalid", 5701)
                .newDiscoveryStrategy(null, Logger.getLogger(DnsDiscoveryTest.class), Map.of());
        assertFalse(strategy.discoverNodes().iterator().hasNext());
    }

    @Test
    void everyAddressOfTheNameAtTheMemberPort() throws Exception {
        var strategy = DnsDiscovery.factory("localhost", 5801)
                .newDiscoveryStrategy(null, Logger.getLogger(DnsDiscoveryTest.class), Map.of());
        List<DiscoveryNode> nodes = new ArrayList<>();
        strategy.discoverNodes().forEach(nodes::add);
        assertEquals(InetAddress.getAllByName("localhost").length, nodes.size());
        assertTrue(nodes.stream().allMatch(n -> n.getPrivateAddress().getPort() == 5801), nodes.toString());
    }

    @Test
    void aNameAndAMemberListExcludeEachOther() {
        SettingException e = assertThrows(SettingException.class, () -> new ClusterConfig(null, "n", null,
                List.of("10.0.0.1"), "relay", null, new ClusterConfig.Insecure()));
        assertEquals("cluster-dns", e.setting());
        assertTrue(e.getMessage().contains("no cluster-members with it"), e.getMessage());
    }

    @Test
    void aNameWithAPortOrSpacesIsRefused() {
        for (String bad : List.of("relay:5701", "re lay", "-relay", "")) {
            SettingException e = assertThrows(SettingException.class, () -> new ClusterConfig(null, "n", null,
                    List.of(), bad, null, new ClusterConfig.Insecure()), bad);
            assertTrue(e.getMessage().contains("expected: a DNS name"), e.getMessage());
        }
    }

    /** A member port range of its own, whose file lists a member; cluster-dns must switch that list off. */
    private ClusterConfig dnsConfig(String name) throws Exception {
        return new ClusterConfig(HazelcastFiles.onFreePorts(dir), "nuttssh-dns-" + UUID.randomUUID(), "127.0.0.1",
                List.of(), name, null, new ClusterConfig.Insecure());
    }
}
