package org.nuttssh.cluster.membership;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.nuttssh.cluster.registry.EntryChanges;
import org.nuttssh.cluster.registry.SharedEntries;
import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.metrics.Tally;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Which Hazelcast member is which relay node, proven: each node puts a proof in a shared map under its member UUID,
 * its node id and that UUID signed with the key of its node certificate, with the certificate. The others count a
 * member as a node only once its proof checks out against the cluster's CA and revocation list. A bare Hazelcast
 * member (which the open-source edition cannot keep out) may claim any node id in its attributes, and copy any proof,
 * but a proof names the member it was signed for, so it proves nothing under another UUID.
 *
 * <p>The node id is bound to the certificate ({@link BoundIds}): a proof carries the nonce its id was derived from
 * with the certificate's name, so a certificate proves ids of its own name only. A proof without one, from a node of
 * release df46318, is believed as before (logged once) unless another member proved that id already, or the member
 * announces a later release ({@link ClusterFormats}), whose proofs carry it. One id is proven by one member at a time.
 *
 * <p>A proof is checked when it arrives, and again whenever the revocation list changes ({@link #recheck}): a member
 * keeps its node until it leaves or its certificate is revoked. A node puts its own proof back whenever it is deleted
 * or replaced, or lost with a partition whose every copy left at once (no entry event tells of that), and signs a new
 * one when it merges back with a new UUID.
 */
final class NodeProofs implements MemberIdentities {

    static final String MAP = "nuttssh.nodes";

    private static final Logger log = LoggerFactory.getLogger(NodeProofs.class);

    private final HazelcastInstance hazelcast;
    private final IMap<String, byte[]> map;
    private final ClusterTrust trust;
    private final NodeId self;
    private final String nonce;
    private final BusAddress ownBus;
    /** The ids of the cluster secrets this node holds now, which its proof announces. */
    private final Supplier<SecretIds> ownSecrets;
    private final Map<UUID, Proven> proven = new ConcurrentHashMap<>();
    /** Members whose proof was refused, so that each is logged once rather than once per write. */
    private final Set<UUID> refused = ConcurrentHashMap.newKeySet();
    /** Members believed on a proof that binds no id (release df46318), so that each is logged once. */
    private final Set<UUID> unbound = ConcurrentHashMap.newKeySet();
    private final Tally<ProofRefusal> refusals;
    private volatile Consumer<NodeId> onProven = node -> { };
    private volatile Consumer<NodeId> onRevoked = node -> { };
    private volatile byte[] ownProof;

    /**
     * A member's node, the certificate it proved it with, and where its event bus listens (null in the proof of a
     * node of a release before the address was signed: vertx-hazelcast's shared map says where it is then), and the
     * secrets it holds (null in the proof of a node of a release before they were announced: it holds one, unknown).
     */
    record Proven(NodeId node, X509Certificate certificate, BusAddress bus, SecretIds secrets) {
        String subject() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private NodeProofs(HazelcastInstance hazelcast, ClusterTrust trust, NodeId self, String nonce,
                       BusAddress ownBus, Supplier<SecretIds> ownSecrets, Tally<ProofRefusal> refusals) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(MAP);
        this.trust = trust;
        this.self = self;
        this.nonce = nonce;
        this.ownBus = ownBus;
        this.ownSecrets = ownSecrets;
        this.refusals = refusals;
    }

    /**
     * Publishes this node's proof and reads the others'; blocks on the network, so call it at start.
     *
     * @param nonce  what {@code self} was derived from with this node's certificate's name ({@link BoundIds})
     * @param ownBus where this node's event bus listens, signed into its proof
     * @param ownSecrets the ids of the cluster secrets this node holds, signed into its proof; {@link #republish}
     *                   signs them again when they change
     * @param refusals   counts the proofs refused, by reason
     */
    static NodeProofs start(HazelcastInstance hazelcast, ClusterTrust trust, NodeId self, String nonce,
                            BusAddress ownBus, Supplier<SecretIds> ownSecrets, Tally<ProofRefusal> refusals) {
        NodeProofs proofs = new NodeProofs(hazelcast, trust, self, nonce, ownBus, ownSecrets, refusals);
        proofs.map.addEntryListener(proofs.new Listener(), true);
        // Members that join later learn this node only from the map: a proof lost with its partition goes back.
        proofs.map.addPartitionLostListener(lost -> proofs.putOwnBack());
        proofs.merged();
        return proofs;
    }

    @Override
    public Optional<NodeId> nodeOf(Member member) {
        return Optional.ofNullable(proven.get(member.getUuid())).map(Proven::node);
    }

    @Override
    public Optional<BusAddress> busOf(Member member) {
        return Optional.ofNullable(proven.get(member.getUuid())).map(Proven::bus);
    }

    @Override
    public void left(Member member) {
        proven.remove(member.getUuid());
        refused.remove(member.getUuid());
        unbound.remove(member.getUuid());
        map.deleteAsync(member.getUuid().toString());
    }

    @Override
    public void merged() {
        republish();
        // Through wildcards: any member can put a key or value of another type, which must not stop a start.
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
            if (entry.getKey() instanceof String key) {
                consider(key, SharedEntries.bytes(entry.getValue()));
            }
        }
    }

    /** Signs this node's proof again, with the secrets it holds now, and puts it in the map. Blocks on the network. */
    void republish() {
        UUID uuid = hazelcast.getCluster().getLocalMember().getUuid();
        SecretIds secrets = ownSecrets.get();
        ownProof = NodeProof.of(trust, uuid, self, nonce, ownBus, secrets);
        proven.put(uuid, new Proven(self, trust.certificate(), ownBus, secrets));
        map.set(uuid.toString(), ownProof);
    }

    private String ownKey() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Puts this node's proof back as it is; does not wait, so any thread may call it. */
    private void putOwnBack() {
        map.setAsync(ownKey(), ownProof);
    }

    /**
     * Whether every node now a member announces that it holds the secret {@code id}, this one included; a node of a
     * release that announces none holds only the secret the cluster started with.
     */
    boolean allHold(String id) {
        return proven.values().stream().allMatch(p -> p.secrets() != null && p.secrets().ids().contains(id));
    }

    @Override
    public void onProven(Consumer<NodeId> callback) {
        onProven = callback;
    }

    @Override
    public void onRevoked(Consumer<NodeId> callback) {
        onRevoked = callback;
    }

    /** Every other member's certificate against the revocation list now in force; a revoked one is no node now. */
    @Override
    public void recheck() {
        UUID local = hazelcast.getCluster().getLocalMember().getUuid();
        proven.forEach((member, node) -> {
            Optional<String> problem = member.equals(local) ? Optional.empty()
                    : trust.problemWith(node.certificate());
            if (problem.isPresent() && proven.remove(member, node)) {
                refused.add(member);
                refusals.count(trust.revoked(node.certificate()) ? ProofRefusal.REVOKED : ProofRefusal.UNTRUSTED);
                log.warn("node {} (member {}) is no longer counted as a relay node: the certificate of {} is {}",
                        node.node(), member, node.subject(), problem.get());
                onRevoked.accept(node.node());
            }
        });
    }

    @Override
    public long refused() {
        return Arrays.stream(ProofRefusal.values()).mapToLong(refusals::get).sum();
    }

    @Override
    public String sign(byte[] content) {
        try {
            return Base64.getEncoder().encodeToString(trust.sign(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with this node's key: " + e, e);
        }
    }

    /** Checked against every certificate {@code node} proved itself with: one per member, a handful at most. */
    @Override
    public boolean signedBy(NodeId node, byte[] content, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] signed;
        try {
            signed = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return proven.values().stream().filter(p -> p.node().equals(node))
                .anyMatch(p -> trust.verifies(p.certificate(), content, signed));
    }

    /**
     * A node of the release before proves itself without its event-bus address, and signs no operator request:
     * this release's proofs carry the address, and one without it is believed only from a member that does not
     * announce this release ({@link #check}), so a proven node without it is of that release.
     */
    @Override
    public boolean takesUnsigned() {
        return proven.values().stream().anyMatch(p -> p.bus() == null);
    }

    /** A proof arrived or changed: believed if it checks out, else this node's own is put back. */
    private void consider(String key, byte[] value) {
        UUID member;
        try {
            member = UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return; // no member's UUID: nothing to prove
        }
        if (member.equals(hazelcast.getCluster().getLocalMember().getUuid())) {
            if (!Arrays.equals(value, ownProof)) {
                putOwnBack();
            }
            return;
        }
        check(member, value).ifPresent(checked -> {
            // A member's bus address does not change while it is a member: a copy of its proof stripped of the
            // address (by a stranger, to send its frames where the shared map says) does not take it away.
            Proven node = checked.bus() == null && proven.get(member) != null
                    ? new Proven(checked.node(), checked.certificate(), proven.get(member).bus(), checked.secrets())
                    : checked;
            Proven before = proven.put(member, node);
            refused.remove(member);
            if (before == null || !before.node().equals(node.node())) {
                // scripts/local-cluster.sh waits for "node ID joined the cluster".
                log.info("node {} joined the cluster as member {}, proven by the certificate of {}", node.node(),
                        member, node.subject());
                onProven.accept(node.node());
            }
        });
    }

    private Optional<Proven> check(UUID member, byte[] value) {
        ProofRefusal reason = ProofRefusal.SIGNATURE;
        String problem;
        try {
            JsonObject proof = new JsonObject(Buffer.buffer(value));
            NodeId node = new NodeId(proof.getString("node"));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder()
                            .decode(proof.getString("certificate"))));
            Optional<String> wrong = trust.problemWith(certificate);
            if (wrong.isPresent()) {
                reason = trust.revoked(certificate) ? ProofRefusal.REVOKED : ProofRefusal.UNTRUSTED;
                problem = wrong.get();
            } else if (!trust.verifies(certificate, NodeProof.signed(member, node),
                    Base64.getDecoder().decode(proof.getString("signature")))) {
                problem = "its signature is not for this member";
            } else if ((proof.getString("nonce") == null || proof.getJsonObject("bus") == null)
                    && announced(member) >= ClusterFormats.BOUND_PROOFS) {
                // The signature covers the member and the id only: anyone who writes the map can strip the rest.
                problem = "it lacks the nonce or the event bus address that the proofs of its release carry";
            } else {
                Optional<String> unprovable = unprovable(member, node, certificate, proof.getString("nonce"));
                if (unprovable.isPresent()) {
                    reason = ProofRefusal.ID;
                    problem = unprovable.get();
                } else {
                    JsonObject bus = proof.getJsonObject("bus");
                    BusAddress address = bus == null ? null : BusAddress.fromJson(bus);
                    JsonObject held = proof.getJsonObject("secrets");
                    SecretIds secrets = held == null ? null : SecretIds.fromJson(held);
                    if (address != null && !trust.verifies(certificate, address.signed(member, node),
                            Base64.getDecoder().decode(bus.getString("signature")))) {
                        problem = "its event bus address is not signed for this member";
                    } else if (secrets != null && !trust.verifies(certificate, secrets.signed(member, node),
                            Base64.getDecoder().decode(held.getString("signature")))) {
                        problem = "its cluster secrets are not signed for this member";
                    } else {
                        return Optional.of(new Proven(node, certificate, address, secrets));
                    }
                }
            }
        } catch (CertificateException | RuntimeException e) {
            reason = ProofRefusal.MALFORMED;
            problem = "not a proof";
        }
        boolean isMember = hazelcast.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().equals(member));
        if (isMember) {
            refusals.count(reason);
        }
        if (isMember && refused.add(member)) {
            log.warn("Hazelcast member {} is not counted as a relay node: its proof of identity is refused ({})",
                    member, problem);
        }
        return Optional.empty();
    }

    /**
     * The format {@code member} announces ({@link ClusterFormats}), or the first while it is not in this node's member
     * list yet: a proof is judged by its own content, and the member's announcement only adds what it must contain.
     */
    private int announced(UUID member) {
        return hazelcast.getCluster().getMembers().stream().filter(m -> m.getUuid().equals(member)).findFirst()
                .map(ClusterFormats::formatOf).orElse(ClusterFormats.FIRST);
    }

    /** Why {@code certificate} cannot prove {@code node} for {@code member}, or empty when it can. */
    private Optional<String> unprovable(UUID member, NodeId node, X509Certificate certificate, String nonce) {
        String name = BoundIds.nameOf(certificate).orElse("");
        if (nonce != null && !BoundIds.idOf(name, nonce).equals(node)) {
            return Optional.of("node id " + node + " is not one the certificate of '" + name + "' proves");
        }
        Set<UUID> members = hazelcast.getCluster().getMembers().stream().map(Member::getUuid)
                .collect(Collectors.toSet());
        boolean taken = proven.entrySet().stream().anyMatch(other -> !other.getKey().equals(member)
                && other.getValue().node().equals(node) && members.contains(other.getKey()));
        if (taken) {
            return Optional.of("node id " + node + " is proven by another member");
        }
        if (nonce == null && unbound.add(member)) {
            log.warn("node {} (member {}) proves an id that its certificate '{}' does not bind: a node of an earlier "
                    + "release, believed until the next release refuses such proofs; upgrade it", node, member, name);
        }
        return Optional.empty();
    }

    private final class Listener extends EntryChanges<byte[]> {

        Listener() {
            super(byte[].class);
        }

        /** Not a proof, whoever wrote it; over this node's own, its own goes back. */
        @Override
        protected void malformed(EntryEvent<?, ?> event) {
            if (ownKey().equals(event.getKey())) {
                putOwnBack();
            }
        }

        @Override
        protected void stored(EntryEvent<String, byte[]> event) {
            consider(event.getKey(), event.getValue());
        }

        /** Only this node's own proof matters once read: it is put back, for members that join later. */
        @Override
        protected void removed(EntryEvent<String, byte[]> event) {
            if (ownKey().equals(event.getKey())) {
                putOwnBack();
            }
        }
    }
}
