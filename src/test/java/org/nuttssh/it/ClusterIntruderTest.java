package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.vertx.core.json.JsonObject;

/**
 * An outsider who knows the cluster's name and reaches its Hazelcast port, against a secure relay node with a real
 * listening client {@code prod-db}: a Hazelcast client cannot connect at all; a bare Hazelcast member joins (the
 * open-source edition cannot stop that) but can neither read a name or an address nor forge, move or delete one.
 */
class ClusterIntruderTest {

    private static final String REGISTRY_MAP = "nuttssh.listeners";

    @TempDir
    Path dir;
    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    private final String clusterName = "nuttssh-intruded-" + UUID.randomUUID();
    private Path hazelcastFile;
    private HazelcastInstance intruder;
    private TcpTarget db;
    private SshProcess listener;

    @BeforeEach
    void startNodeAndListener() throws Exception {
        hazelcastFile = HazelcastFiles.onFreePorts(dir);
        relay.configure(c -> c.cluster(new ClusterConfig(hazelcastFile, clusterName, "127.0.0.1", List.of(), null, null,
                ClusterSecurity.of(dir.resolve("certs"), "node-a"))));
        relay.start("access=\"listen\" {db}", "access=\"initiate\" {alice}");
        db = relay.target("db", TcpTarget.Mode.ECHO);
        listener = relay.listener("db", "prod-db", "prod-db", "22:localhost:" + db.port());
    }

    @AfterEach
    void stopIntruder() {
        if (intruder != null) {
            intruder.getLifecycleService().terminate();
        }
    }

    private HazelcastInstance joinAsBareMember() throws IOException {
        intruder = HazelcastFiles.bareMember(hazelcastFile, clusterName, 2);
        return intruder;
    }

    private InetSocketAddress relayMemberAddress(HazelcastInstance member) throws Exception {
        Member relayMember = member.getCluster().getMembers().stream().filter(m -> !m.localMember()).findFirst()
                .orElseThrow();
        return relayMember.getAddress().getInetSocketAddress();
    }

    private List<String> listRows() throws Exception {
        SshProcess list = relay.run(relay.ssh("relay-alice", "list"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        return list.stdout().lines().skip(1).toList();
    }

    @Test
    void aHazelcastClientWithTheClusterNameCannotConnect() throws Exception {
        HazelcastInstance member = joinAsBareMember();
        InetSocketAddress relayMember = relayMemberAddress(member);
        ClientConfig config = new ClientConfig().setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().addAddress("127.0.0.1:" + relayMember.getPort());
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3000);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> HazelcastClient.newHazelcastClient(config).shutdown());
        assertTrue(refused.getMessage().contains("Unable to connect"), refused.getMessage());
    }

    @Test
    void theMemberPortIsOnTheClusterHostOnly() throws Exception {
        InetSocketAddress relayMember = relayMemberAddress(joinAsBareMember());

        try (Socket on = new Socket()) {
            on.connect(new InetSocketAddress("127.0.0.1", relayMember.getPort()), 2000);
        }
        // Every 127/8 address is this host's: had the member bound every interface, this would connect.
        assertThrows(IOException.class, () -> {
            try (Socket elsewhere = new Socket()) {
                elsewhere.connect(new InetSocketAddress("127.0.0.2", relayMember.getPort()), 2000);
            }
        });
    }

    @Test
    void aBareMemberReadsNoNameAndNoAddress() throws Exception {
        IMap<String, byte[]> registry = joinAsBareMember().getMap(REGISTRY_MAP);
        Await.until("the record in the intruder's view", () -> !registry.isEmpty());
        String address = relay.newestRecord("prod-db").orElseThrow().address();

        for (Map.Entry<String, byte[]> entry : registry.entrySet()) {
            String bytes = new String(entry.getValue(), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("prod-db"), "the name in the clear");
            assertFalse(bytes.contains(address.substring(0, address.indexOf(':'))), "the address in the clear");
            assertThrows(RuntimeException.class, () -> new JsonObject(new String(entry.getValue(),
                    StandardCharsets.UTF_8)), "a record readable as JSON");
        }
    }

    @Test
    void aForgedRecordChangesNothingAndADeletedOneComesBack() throws Exception {
        IMap<String, byte[]> registry = joinAsBareMember().getMap(REGISTRY_MAP);
        String realId = relay.newestRecord("prod-db").orElseThrow().id();
        String node = relay.server().nodeId().value();
        String realKey = node + "@" + realId; // the map's keys are NODE@ID
        Await.until("the real record in the map", () -> registry.containsKey(realKey));
        long unreadableBefore = relay.server().statistics().registryUnreadable();

        // Claims of prod-db with a higher sequence: readable JSON in the node's name, a sealed-looking copy of the
        // real record moved to another key, and a record of a node that does not exist.
        registry.set(node + "@" + node + "-999", json(node + "-999", node, 999_999_999L));
        registry.set(node + "@" + node + "-998", registry.get(realKey));
        String ghost = UUID.randomUUID().toString();
        registry.set(ghost + "@ghost-1", json("ghost-1", ghost, 999_999_998L));
        registry.delete(realKey);

        Await.until("the deleted record back", () -> registry.containsKey(realKey));
        Await.until("the forgeries counted as unreadable",
                () -> relay.server().statistics().registryUnreadable() >= unreadableBefore + 3);
        Await.holds("prod-db unmoved on the node", Duration.ofSeconds(1),
                () -> relay.newestRecord("prod-db").map(r -> r.id().equals(realId)).orElse(false));
        List<String> rows = listRows();
        assertEquals(1, rows.size(), "one listening client, no prod-db~1: " + rows);
        assertTrue(rows.get(0).startsWith("prod-db ") && !rows.get(0).contains("203.0.113.66"), rows.get(0));
        assertEquals("db\nhello\n", RoundTrip.viaSsh(relay.dir(), relay.ssh("-W", "prod-db:22", "relay-alice"),
                "hello\n", RelayFixture.TIMEOUT));
        assertTrue(listener.isAlive());
    }

    /** A record as an insecure cluster would store it, claiming prod-db from an address of the intruder's choice. */
    private static byte[] json(String id, String node, long sequence) {
        return new JsonObject().put("id", id).put("node", node).put("hostname", "prod-db")
                .put("aliases", List.of()).put("ports", new JsonObject().put("22", "localhost"))
                .put("address", "203.0.113.66:4444").put("connectedAt", 0L).put("sequence", sequence)
                .encode().getBytes(StandardCharsets.UTF_8);
    }
}
