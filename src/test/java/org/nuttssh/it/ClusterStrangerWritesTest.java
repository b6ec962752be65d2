package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * A stranger on the cluster network (a bare Hazelcast member, without certificate or secret) writes text where the
 * relay keeps numbers and bytes: over the listener counter every second, and once into the registry, the ledgers
 * and the proofs. Nodes A and B register every new listening client all the same, and each is reached from the
 * other node with OpenSSH.
 */
class ClusterStrangerWritesTest {

    private static final String POISON = "poison";

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-poisoned");

    @Test
    void textOverTheSharedStructuresStopsNoRegistration() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        List<TcpTarget> echoes = List.of(a.target("echo-a", TcpTarget.Mode.ECHO),
                b.target("echo-b", TcpTarget.Mode.ECHO));
        List<String> roles = List.of("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        cluster.start(roles, roles);
        HazelcastInstance stranger = cluster.stranger();
        IMap<String, Object> counters = stranger.getMap("nuttssh.counters");
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        a.onClose(writer::shutdownNow);
        writer.scheduleAtFixedRate(() -> counters.set("listener-sequence", POISON), 0, 1, TimeUnit.SECONDS);
        stranger.getMap("nuttssh.listeners").set(b.server().nodeId().value() + "@poison-1", POISON);
        stranger.getMap("nuttssh.ledgers").set(a.server().nodeId().value(), POISON);
        stranger.getMap("nuttssh.nodes").set(UUID.randomUUID().toString(), POISON);

        for (int n = 0; n < 4; n++) {
            RelayFixture on = n % 2 == 0 ? a : b;
            RelayFixture other = n % 2 == 0 ? b : a;
            String name = "gw" + n;
            counters.set("listener-sequence", POISON);
            on.listener("gw", name, name, "22:localhost:" + echoes.get(n % 2).port());
            RelayFixture.await(name + " known on the other node", () -> other.newestRecord(name).isPresent());
            SshProcess circuit = other.run(other.ssh("-W", name + ":22", "relay-alice"));
            assertEquals(n % 2 == 0 ? "echo-a\n" : "echo-b\n", circuit.stdout(), name + ": " + circuit.stderr());
        }
        assertTrue(a.server().statistics().registryUnreadable() > 0, "the text counted on A");
        assertTrue(b.server().statistics().registryUnreadable() > 0, "the text counted on B");
    }
}
