package org.nuttssh.cluster.membership;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Member;

/**
 * Which forms the relay nodes of the cluster understand, so that a release joins a cluster of the one before it
 * (docs/decisions.md, "Rolling upgrades"). Each member announces its release and the highest format it reads and
 * writes in two member attributes, which a node of release 0.1 (df46318) neither sets nor reads: a member without
 * them is of {@link #FIRST}. A form between two nodes (a circuit's credit) follows {@link #understands}; a form in the
 * shared maps, which every member reads, is written in a new version only once {@link #atLeast} says every node
 * reads it, so a node switches when the last old member leaves. Only members proven to be relay nodes count: a bare
 * Hazelcast member cannot hold the cluster back, and one that claims a higher format than it has only gets forms a
 * node of that release reads.
 */
public final class ClusterFormats {

    /** The member attribute with the node's release, e.g. {@code 0.2.0-SNAPSHOT}. */
    static final String RELEASE_ATTRIBUTE = "nuttssh.release";
    /** The member attribute with the highest format version the node reads and writes. */
    static final String FORMAT_ATTRIBUTE = "nuttssh.format";

    /** Release 0.1 (df46318): what every form was before formats were announced. */
    public static final int FIRST = 1;
    /** Release 0.2: the receiving node grants a circuit's credit from its window budget (issue 30). */
    public static final int CREDIT = 2;
    /**
     * Release 0.2 too: a node's proof carries the nonce that binds its id to its certificate and its signed event-bus
     * address (issue 31), so a member announcing this format whose proof lacks them shows a copy stripped of them.
     */
    static final int BOUND_PROOFS = 2;
    /** The highest format this build reads and writes. */
    public static final int CURRENT = CREDIT;
    /** What {@link #releases} shows for a member that announces no release: one of release 0.1 or before. */
    public static final String UNANNOUNCED = "0.1";

    private final Supplier<Collection<Member>> members;
    private final Function<Member, Optional<NodeId>> nodeOf;

    ClusterFormats(Supplier<Collection<Member>> members, Function<Member, Optional<NodeId>> nodeOf) {
        this.members = members;
        this.nodeOf = nodeOf;
    }

    /** Whether every relay node now a member reads and writes {@code format}. */
    public boolean atLeast(int format) {
        return members.get().stream().filter(member -> nodeOf.apply(member).isPresent())
                .allMatch(member -> formatOf(member) >= format);
    }

    /** Whether {@code node} reads and writes {@code format}; a node that is no member gets the first forms. */
    public boolean understands(NodeId node, int format) {
        return members.get().stream().filter(member -> nodeOf.apply(member).filter(node::equals).isPresent())
                .mapToInt(ClusterFormats::formatOf).min().orElse(FIRST) >= format;
    }

    /** Each relay node's release, in member order. */
    public Map<NodeId, String> releases() {
        Map<NodeId, String> releases = new LinkedHashMap<>();
        for (Member member : members.get()) {
            nodeOf.apply(member).ifPresent(node -> releases.put(node, releaseOf(member)));
        }
        return releases;
    }

    private static String releaseOf(Member member) {
        String release = member.getAttribute(RELEASE_ATTRIBUTE);
        return release == null || release.isEmpty() ? UNANNOUNCED : release;
    }

    /**
     * A member's format, as it announced it itself (no other member can change a member's attributes); one that says
     * nothing readable is taken for the first, which every node reads.
     */
    static int formatOf(Member member) {
        String format = member.getAttribute(FORMAT_ATTRIBUTE);
        if (format == null) {
            return FIRST;
        }
        try {
            return Math.max(FIRST, Integer.parseInt(format));
        } catch (NumberFormatException e) {
            return FIRST;
        }
    }
}
