package org.nuttssh.cluster.membership;

import java.util.Optional;
import java.util.function.Consumer;

import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Member;

/**
 * A member is the node its attribute names, unchecked: in an insecure cluster ({@code --cluster-insecure}), where
 * whoever reaches the cluster ports can do anything anyway. Known as soon as the member joins.
 */
final class MemberAttributes implements MemberIdentities {

    private static final NodeSignatures UNCHECKED = NodeSignatures.unchecked();

    @Override
    public Optional<NodeId> nodeOf(Member member) {
        String id = member.getAttribute(HazelcastSettings.NODE_ATTRIBUTE);
        return id == null || id.isEmpty() ? Optional.empty() : Optional.of(new NodeId(id));
    }

    /** Nothing is signed: vertx-hazelcast's shared map says where each member's event bus is. */
    @Override
    public Optional<BusAddress> busOf(Member member) {
        return Optional.empty();
    }

    @Override
    public void left(Member member) {
        // The attribute left with the member.
    }

    @Override
    public void merged() {
        // Attributes stay with a member across a merge.
    }

    @Override
    public void onProven(Consumer<NodeId> callback) {
        // Nothing is proven: a member is its node from the moment it joins.
    }

    @Override
    public void onRevoked(Consumer<NodeId> callback) {
        // Nothing is proven, so nothing is revoked.
    }

    @Override
    public void recheck() {
        // No certificates.
    }

    @Override
    public long refused() {
        return 0;
    }

    @Override
    public String sign(byte[] content) {
        return UNCHECKED.sign(content);
    }

    @Override
    public boolean signedBy(NodeId node, byte[] content, String signature) {
        return UNCHECKED.signedBy(node, content, signature);
    }

    @Override
    public boolean takesUnsigned() {
        return UNCHECKED.takesUnsigned();
    }
}
