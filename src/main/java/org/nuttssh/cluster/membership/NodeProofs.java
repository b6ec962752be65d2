package org.nuttssh.cluster.membership;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.nuttssh.cluster.registry.EntryChanges;
import org.nuttssh.cluster.registry.SharedEntries;
import org.nuttssh.cluster.trust.ClusterTrust;
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
 * or replaced, and signs a new one when it merges back with a new UUID.
 */
final class NodeProofs implements MemberIdentities {

    static final String MAP = "nuttssh.nodes";
    /** What a proof's signature covers, before the UUID and the node id: a signature for nothing else. */
    private static final String CONTEXT = "nuttssh node proof v1";

    private static final Logger log = LoggerFactory.getLogger(NodeProofs.class);

    private final HazelcastInstance hazelcast;
    private final IMap<String, byte[]> map;
    private final ClusterTrust trust;
    private final NodeId self;
    private final String nonce;
    private final BusAddress ownBus;
    private final Map<UUID, Proven> proven = new ConcurrentHashMap<>();
    /** Members whose proof was refused, so that each is logged once rather than once per write. */
    private final Set<UUID> refused = ConcurrentHashMap.newKeySet();
    /** Members believed on a proof that binds no id (release df46318), so that each is logged once. */
    private final Set<UUID> unbound = ConcurrentHashMap.newKeySet();
    private final AtomicLong refusals = new AtomicLong();
    private volatile Consumer<NodeId> onProven = node -> { };
    private volatile Consumer<NodeId> onRevoked = node -> { };
    private volatile byte[] ownProof;

    /**
     * A member's node, the certificate it proved it with, and where its event bus listens (null in the proof of a
     * node of a release before the address was signed: vertx-hazelcast's shared map says where it is then).
     */
    record Proven(NodeId node, X509Certificate certificate, BusAddress bus) {
        String subject() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private NodeProofs(HazelcastInstance hazelcast, ClusterTrust trust, NodeId self, String nonce,
                       BusAddress ownBus) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(MAP);
        this.trust = trust;
        this.self = self;
        this.nonce = nonce;
        this.ownBus = ownBus;
    }

    /**
     * Publishes this node's proof and reads the others'; blocks on the network, so call it at start.
     *
     * @param nonce  what {@code self} was derived from with this node's certificate's name ({@link BoundIds})
     * @param ownBus where this node's event bus listens, signed into its proof
     */
    static NodeProofs start(HazelcastInstance hazelcast, ClusterTrust trust, NodeId self, String nonce,
                            BusAddress ownBus) {
        NodeProofs proofs = new NodeProofs(hazelcast, trust, self, nonce, ownBus);
        proofs.map.addEntryListener(proofs.new Listener(), true);
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
        UUID uuid = hazelcast.getCluster().getLocalMember().getUuid();
        ownProof = sign(uuid);
        proven.put(uuid, new Proven(self, trust.certificate(), ownBus));
        map.set(uuid.toString(), ownProof);
        // Through wildcards: any member can put a key or value of another type, which must not stop a start.
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
            if (entry.getKey() instanceof String key) {
                consider(key, SharedEntries.bytes(entry.getValue()));
            }
        }
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
                refusals.incrementAndGet();
                log.warn("node {} (member {}) is no longer counted as a relay node: the certificate of {} is {}",
                        node.node(), member, node.subject(), problem.get());
                onRevoked.accept(node.node());
            }
        });
    }

    @Override
    public long refused() {
        return refusals.get();
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

    private byte[] sign(UUID member) {
        return proof(trust, member, self, nonce, ownBus);
    }

    /**
     * The proof that {@code member} is {@code node}, signed with the key of {@code trust}'s certificate.
     *
     * @param nonce what {@code node} was derived from ({@link BoundIds}); null for none, as release df46318 signs
     * @param bus   where the node's event bus listens; null for nowhere signed, as release df46318 proves
     */
    static byte[] proof(ClusterTrust trust, UUID member, NodeId node, String nonce, BusAddress bus) {
        try {
            // The nonce and the bus address are new in this release; nodes of release df46318 ignore them.
            JsonObject proof = new JsonObject().put("node", node.value());
            if (nonce != null) {
                proof.put("nonce", nonce);
            }
            proof.put("certificate", Base64.getEncoder().encodeToString(trust.certificate().getEncoded()))
                    .put("signature", Base64.getEncoder().encodeToString(trust.sign(signed(member, node))));
            if (bus != null) {
                proof.put("bus", bus.toJson().put("signature",
                        Base64.getEncoder().encodeToString(trust.sign(bus.signed(member, node)))));
            }
            return proof
                    .toBuffer().getBytes();
        } catch (GeneralSecurityException e) {
            // The key signed a test value at start (ClusterTrust.load).
            throw new IllegalStateException("cannot sign this node's proof: " + e, e);
        }
    }

    private static byte[] signed(UUID member, NodeId node) {
        return (CONTEXT + "\n" + member + "\n" + node.value()).getBytes(StandardCharsets.UTF_8);
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
                map.setAsync(key, ownProof);
            }
            return;
        }
        check(member, value).ifPresent(checked -> {
            // A member's bus address does not change while it is a member: a copy of its proof stripped of the
            // address (by a stranger, to send its frames where the shared map says) does not take it away.
            Proven node = checked.bus() == null && proven.get(member) != null
                    ? new Proven(checked.node(), checked.certificate(), proven.get(member).bus()) : checked;
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
        String problem;
        try {
            JsonObject proof = new JsonObject(Buffer.buffer(value));
            NodeId node = new NodeId(proof.getString("node"));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder()
                            .decode(proof.getString("certificate"))));
            Optional<String> wrong = trust.problemWith(certificate);
            if (wrong.isPresent()) {
                problem = wrong.get();
            } else if (!trust.verifies(certificate, signed(member, node),
                    Base64.getDecoder().decode(proof.getString("signature")))) {
                problem = "its signature is not for this member";
            } else if ((proof.getString("nonce") == null || proof.getJsonObject("bus") == null)
                    && announced(member) >= ClusterFormats.BOUND_PROOFS) {
                // The signature covers the member and the id only: anyone who writes the map can strip the rest.
                problem = "it lacks the nonce or the event bus address that the proofs of its release carry";
            } else {
                Optional<String> unprovable = unprovable(member, node, certificate, proof.getString("nonce"));
                if (unprovable.isPresent()) {
                    problem = unprovable.get();
                } else {
                    JsonObject bus = proof.getJsonObject("bus");
                    if (bus == null) {
                        return Optional.of(new Proven(node, certificate, null));
                    }
                    BusAddress address = BusAddress.fromJson(bus);
                    if (trust.verifies(certificate, address.signed(member, node),
                            Base64.getDecoder().decode(bus.getString("signature")))) {
                        return Optional.of(new Proven(node, certificate, address));
                    }
                    problem = "its event bus address is not signed for this member";
                }
            }
        } catch (CertificateException | RuntimeException e) {
            problem = "not a proof";
        }
        boolean isMember = hazelcast.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().equals(member));
        if (isMember) {
            refusals.incrementAndGet();
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
            String own = hazelcast.getCluster().getLocalMember().getUuid().toString();
            if (own.equals(event.getKey())) {
                map.setAsync(own, ownProof);
            }
        }

        @Override
        protected void stored(EntryEvent<String, byte[]> event) {
            consider(event.getKey(), event.getValue());
        }

        /** Only this node's own proof matters once read: it is put back, for members that join later. */
        @Override
        protected void removed(EntryEvent<String, byte[]> event) {
            if (event.getKey().equals(hazelcast.getCluster().getLocalMember().getUuid().toString())) {
                map.setAsync(event.getKey(), ownProof);
            }
        }
    }
}
