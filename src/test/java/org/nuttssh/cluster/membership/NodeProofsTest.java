package org.nuttssh.cluster.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.metrics.Tally;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.LoopbackHazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Proofs of identity between two Hazelcast members: node A, and a member that holds one valid node certificate, node
 * B's, and writes whatever proof it likes under its own member UUID, signed with B's key.
 */
class NodeProofsTest {

    private static final String OLD = "00000000000000aa";
    private static final String NEXT = "00000000000000bb";

    @TempDir
    Path dir;
    private HazelcastInstance first;
    private HazelcastInstance holder;
    private NodeProofs proofs;
    private NodeId idOfA;
    private String nonceOfA;
    private ClusterTrust a;
    private ClusterTrust b;
    private final Tally<ProofRefusal> reasons = Tally.of(ProofRefusal.class, ProofRefusal::label);
    /** The ids of the secrets A holds, which its proof announces. */
    private volatile SecretIds secretsOfA = new SecretIds(List.of(OLD));

    @BeforeEach
    void start() throws Exception {
        String cluster = "nuttssh-proofs-" + UUID.randomUUID();
        first = Hazelcast.newHazelcastInstance(LoopbackHazelcast.members(cluster));
        holder = Hazelcast.newHazelcastInstance(LoopbackHazelcast.members(cluster));
        Await.until("two members", () -> first.getCluster().getMembers().size() == 2);
        a = ClusterTrust.load(ClusterSecurity.of(dir, "node-a").tls());
        b = ClusterTrust.load(ClusterSecurity.of(dir, "node-b").tls());
        nonceOfA = BoundIds.nonce();
        idOfA = BoundIds.idOf("node-a", nonceOfA);
        proofs = NodeProofs.start(first, a, idOfA, nonceOfA,
                new BusAddress(UUID.randomUUID().toString(), "127.0.0.1", 41233), () -> secretsOfA, reasons);
    }

    @AfterEach
    void stop() {
        holder.getLifecycleService().terminate();
        first.getLifecycleService().terminate();
    }

    /** Writes a proof that the holder's member is {@code node}, signed with B's key, and waits for A to judge it. */
    private Optional<NodeId> claim(NodeId node, String nonce) {
        return claim(holder, node, nonce, null, null);
    }

    /** As {@link #claim(NodeId, String)}, announcing that the holder holds {@code secrets}. */
    private Optional<NodeId> claim(NodeId node, String nonce, SecretIds secrets) {
        return claim(holder, node, nonce, null, secrets);
    }

    private Optional<NodeId> claim(HazelcastInstance by, NodeId node, String nonce, BusAddress bus, SecretIds secrets) {
        Member member = by.getCluster().getLocalMember();
        long judged = proofs.refused();
        IMap<String, byte[]> map = by.getMap(NodeProofs.MAP);
        map.set(member.getUuid().toString(), NodeProof.of(b, member.getUuid(), node, nonce, bus, secrets));
        Await.until("the claim judged", () -> proofs.refused() > judged || proofs.nodeOf(member).isPresent());
        return proofs.nodeOf(member);
    }

    @Test
    void aCertificateProvesNoIdButTheOnesOfItsOwnName() {
        String nonce = BoundIds.nonce();

        assertEquals(Optional.empty(), claim(idOfA, nonceOfA), "A's id, with A's own nonce");
        assertEquals(Optional.empty(), claim(NodeId.random(), nonce), "an id of its choosing");
        assertEquals(2, proofs.refused(), "each refusal counted");

        NodeId own = BoundIds.idOf("node-b", nonce);
        assertEquals(Optional.of(own), claim(own, nonce), "an id of B's name");
    }

    /** Nodes of release df46318 chose their ids at random, and prove them without a nonce. */
    @Test
    void aProofWithoutANonceIsBelievedUnlessAnotherMemberProvedItsId() {
        assertEquals(Optional.empty(), claim(idOfA, null), "A's id is A's");
        assertEquals(1, proofs.refused());

        NodeId random = NodeId.random();
        assertEquals(Optional.of(random), claim(random, null));
    }

    /**
     * A node seals with a rotated secret only once every node announces it: a node of release df46318, which
     * announces none, holds only the secret the cluster started with.
     */
    @Test
    void aSecretIsHeldEverywhereOnlyOnceEveryNodeAnnouncesIt() {
        String nonce = BoundIds.nonce();
        NodeId node = BoundIds.idOf("node-b", nonce);
        assertEquals(Optional.of(node), claim(node, nonce));
        assertFalse(proofs.allHold(OLD), "a node that announces nothing");

        claim(node, nonce, new SecretIds(List.of(OLD, NEXT)));
        Await.until("the holder's secrets read", () -> proofs.allHold(OLD));
        assertFalse(proofs.allHold(NEXT), "A holds only the old one");

        secretsOfA = new SecretIds(List.of(OLD, NEXT));
        proofs.republish();
        assertTrue(proofs.allHold(NEXT));
    }

    /** Each refusal is counted by its reason, for {@code nuttssh_cluster_proofs_refused_total}. */
    @Test
    void refusalsAreCountedByReason() throws Exception {
        Member member = holder.getCluster().getLocalMember();
        IMap<String, byte[]> map = holder.getMap(NodeProofs.MAP);
        map.set(member.getUuid().toString(), "not a proof".getBytes(StandardCharsets.UTF_8));
        Await.until("not a proof, counted", () -> reasons.get(ProofRefusal.MALFORMED) == 1);

        claim(idOfA, nonceOfA);
        assertEquals(1, reasons.get(ProofRefusal.ID), "A's id");

        String nonce = BoundIds.nonce();
        NodeId own = BoundIds.idOf("node-b", nonce);
        map.set(member.getUuid().toString(), NodeProof.of(b, UUID.randomUUID(), own, nonce, null, null));
        Await.until("a proof signed for another member, counted", () -> reasons.get(ProofRefusal.SIGNATURE) == 1);

        assertEquals(Optional.of(own), claim(own, nonce));
        new ClusterCertificates(dir, line -> { }).revoke(List.of("node-b"));
        assertTrue(a.reloadRevocations());
        proofs.recheck();
        assertEquals(List.of(0L, 1L, 1L, 1L, 1L), Arrays.stream(ProofRefusal.values()).map(reasons::get).toList(),
                "untrusted, revoked, signature, id, malformed");
        assertEquals(4, proofs.refused());
    }

    /**
     * The signature covers the member and the id, not the nonce or the bus address: a member that writes the map can
     * strip them from a node's proof. From a member that announces this release (its own attributes, which no other
     * member can change), such a proof is refused rather than taken for a df46318 node's, which would let its frames
     * be routed by the shared map and unsigned operator requests in.
     */
    @Test
    void aMemberAnnouncingThisReleaseProvesNothingWithoutItsNonceAndBusAddress() {
        Config config = LoopbackHazelcast.members(first.getConfig().getClusterName());
        config.getMemberAttributeConfig().setAttribute(ClusterFormats.FORMAT_ATTRIBUTE,
                String.valueOf(ClusterFormats.CURRENT));
        HazelcastInstance announcing = Hazelcast.newHazelcastInstance(config);
        try {
            Await.until("three members", () -> first.getCluster().getMembers().size() == 3);
            String nonce = BoundIds.nonce();
            NodeId own = BoundIds.idOf("node-b", nonce);
            BusAddress bus = new BusAddress(UUID.randomUUID().toString(), "127.0.0.1", 41234);

            assertEquals(Optional.empty(), claim(announcing, NodeId.random(), null, null, null), "as a df46318 node");
            assertEquals(Optional.empty(), claim(announcing, own, nonce, null, null), "without its bus address");
            assertEquals(Optional.empty(), claim(announcing, own, null, bus, null), "without its nonce");
            assertFalse(proofs.takesUnsigned(), "no node of df46318 is proven");

            assertEquals(Optional.of(own), claim(announcing, own, nonce, bus, null), "as this release proves");
        } finally {
            announcing.getLifecycleService().terminate();
        }
    }
}
