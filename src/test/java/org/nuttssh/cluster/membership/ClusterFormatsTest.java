package org.nuttssh.cluster.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Member;

/** Which forms a cluster of mixed releases may be sent and written, from what its members announce. */
class ClusterFormatsTest {

    private static final NodeId OLD = new NodeId("0ld00000-0000-0000-0000-000000000001");
    private static final NodeId NEW = new NodeId("ne000000-0000-0000-0000-000000000002");

    private final List<Member> members = new ArrayList<>();
    private final Map<Member, NodeId> proven = new HashMap<>();
    private final ClusterFormats formats = new ClusterFormats(() -> members,
            member -> Optional.ofNullable(proven.get(member)));

    /** A Hazelcast member with these attributes, a relay node if {@code node} is not null. */
    private Member member(NodeId node, Map<String, String> attributes) {
        Member member = (Member) Proxy.newProxyInstance(Member.class.getClassLoader(), new Class<?>[] {Member.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        members.add(member);
        if (node != null) {
            proven.put(member, node);
        }
        return member;
    }

    private Member release01(NodeId node) {
        return member(node, Map.of());
    }

    private Member release02(NodeId node) {
        return member(node, Map.of(ClusterFormats.RELEASE_ATTRIBUTE, "0.2.0",
                ClusterFormats.FORMAT_ATTRIBUTE, String.valueOf(ClusterFormats.CURRENT)));
    }

    @Test
    void aClusterWritesTheNewFormOnlyOnceTheLastOldNodeHasLeft() {
        Member old = release01(OLD);
        release02(NEW);
        assertFalse(formats.atLeast(ClusterFormats.CREDIT), "a 0.1 node announces nothing: format 1");
        assertTrue(formats.atLeast(ClusterFormats.FIRST));

        members.remove(old);
        assertTrue(formats.atLeast(ClusterFormats.CREDIT));
    }

    @Test
    void eachPeerIsSpokenToInItsOwnFormat() {
        release01(OLD);
        release02(NEW);
        assertFalse(formats.understands(OLD, ClusterFormats.CREDIT));
        assertTrue(formats.understands(NEW, ClusterFormats.CREDIT));
        assertFalse(formats.understands(new NodeId("gone0000-0000-0000-0000-000000000003"), ClusterFormats.CREDIT),
                "a node that is no member gets the first forms, which every node reads");
    }

    @Test
    void aMemberThatIsNoProvenNodeHoldsNobodyBack() {
        release02(NEW);
        release01(null);
        assertTrue(formats.atLeast(ClusterFormats.CREDIT));
        assertEquals(Map.of(NEW, "0.2.0"), formats.releases());
    }

    @Test
    void releasesShowAnUnannouncedOneAsTheFirst() {
        release01(OLD);
        release02(NEW);
        assertEquals(Map.of(OLD, ClusterFormats.UNANNOUNCED, NEW, "0.2.0"), formats.releases());
    }

    @Test
    void anUnreadableFormatIsTakenForTheFirst() {
        member(OLD, Map.of(ClusterFormats.FORMAT_ATTRIBUTE, "two"));
        assertFalse(formats.understands(OLD, ClusterFormats.CREDIT));
    }
}
