package org.nuttssh.cluster.membership;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.metrics.Tally;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.LoopbackHazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * A node's proof lost with its partition, as when every member holding a copy leaves at once (two of three compose
 * replicas stopped together): no entry event tells of it, yet a member that joins later must still find the proof.
 */
class LostProofTest {

    /** New members tried until one's proof lands in a partition another member owns: each try is an even chance. */
    private static final int TRIES = 20;

    @TempDir
    Path dir;
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(member -> member.getLifecycleService().terminate());
    }

    @Test
    void aProofLostWithItsPartitionIsPutBackForMembersThatJoinLater() throws Exception {
        String cluster = "nuttssh-lost-proof-" + UUID.randomUUID();
        HazelcastInstance owner = join(cluster);
        HazelcastInstance node = null;
        for (int i = 0; i < TRIES && node == null; i++) {
            HazelcastInstance candidate = join(cluster);
            String key = candidate.getCluster().getLocalMember().getUuid().toString();
            Await.until("the two members' partitions settled", () -> candidate.getCluster().getMembers().size() == 2
                    && candidate.getPartitionService().isClusterSafe()
                    && candidate.getPartitionService().getPartition(key).getOwner() != null);
            if (candidate.getPartitionService().getPartition(key).getOwner().equals(owner.getCluster().getLocalMember())) {
                node = candidate;
            } else {
                candidate.getLifecycleService().terminate();
            }
        }
        if (node == null) {
            throw new AssertionError("no member's proof fell to the other member's partitions in " + TRIES + " tries");
        }
        String key = node.getCluster().getLocalMember().getUuid().toString();
        ClusterTrust trust = ClusterTrust.load(ClusterSecurity.of(dir, "node-a").tls());
        String nonce = BoundIds.nonce();
        NodeProofs.start(node, trust, BoundIds.idOf("node-a", nonce), nonce, null, () -> new SecretIds(List.of()),
                Tally.of(ProofRefusal.class, ProofRefusal::label));
        Await.until("the proof stored on the other member", () -> owner.getMap(NodeProofs.MAP).containsKey(key));

        owner.getLifecycleService().terminate(); // the one copy of the proof's partition goes with it
        HazelcastInstance late = join(cluster);

        Await.until("a member that joined later to find the node's proof",
                () -> late.getMap(NodeProofs.MAP).containsKey(key));
    }

    /** A member whose proofs map keeps one copy of each entry, so that losing one member loses its partitions. */
    private HazelcastInstance join(String cluster) {
        Config config = LoopbackHazelcast.members(cluster);
        config.getMapConfig(NodeProofs.MAP).setBackupCount(0);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        return member;
    }
}
