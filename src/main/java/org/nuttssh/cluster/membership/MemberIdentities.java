package org.nuttssh.cluster.membership;

import java.util.Optional;
import java.util.function.Consumer;

import org.nuttssh.cluster.bus.NodeSignatures;
import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Member;

/** How this node tells which relay node a Hazelcast member is, if any, and which node signed a request. */
interface MemberIdentities extends NodeSignatures {

    /** The relay node {@code member} is, or empty for a member that is not one (or has not proven it yet). */
    Optional<NodeId> nodeOf(Member member);

    /** Where {@code member}'s event bus listens, as its proof says; empty where no proof says it. */
    Optional<BusAddress> busOf(Member member);

    /** {@code member} has left: it is nobody now. */
    void left(Member member);

    /** This node merged back after a split, as a member with a new UUID. Blocks on the network. */
    void merged();

    /** Calls back, on a Hazelcast event thread, when a member is found to be a relay node after it joined. */
    void onProven(Consumer<NodeId> callback);

    /** Calls back when a member stops being a relay node while it stays a member: its certificate was revoked. */
    void onRevoked(Consumer<NodeId> callback);

    /** Checks every proof again, against a revocation list that changed. */
    void recheck();

    /** Proofs refused since start, of members that are still members. */
    long refused();
}
