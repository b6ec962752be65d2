package org.nuttssh.cluster.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.nuttssh.cluster.bus.NodeAddresses;
import org.nuttssh.registry.NodeId;

import com.hazelcast.cluster.Member;

import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast's cluster manager as the event bus sees it: it routes to relay nodes that have proven who they are, and
 * to nobody else. Vert.x asks its cluster manager which Vert.x nodes consume an address and where a Vert.x node
 * listens; Hazelcast's answers come from shared maps that any member, a stranger included, can write (or, owning a
 * partition, answer for). So an address of a relay node ({@link NodeAddresses}) is consumed by the member that
 * proved that node's id and by nobody else, whatever the map says: a stranger can neither add itself nor take the
 * node away. Another address counts only the registrations of proven members. A member that has proven no node has
 * no address to connect to, and a proven one is where its proof says.
 *
 * <p>Vert.x caches the answers per address. A proof can arrive after a registration, and a member can stop being a
 * node: {@link #refresh} makes Vert.x ask again for every address it routes.
 */
final class ProvenClusterManager implements ClusterManager {

    /**
     * The member attribute in which vertx-hazelcast keeps a member's Vert.x node id (a private constant there). A
     * member sets its own attributes when it joins; nobody else can change them.
     */
    static final String VERTX_NODE_ATTRIBUTE = "__vertx.nodeId";

    private final HazelcastClusterManager hazelcast;
    /** False only in tests that show a TLS check on its own: routes then go wherever vertx-hazelcast says. */
    private final boolean provenOnly;
    /** The addresses whose answers Vert.x may have cached; as many as the addresses this node sends to. */
    private final Set<String> routed = ConcurrentHashMap.newKeySet();
    /** Null until this node has joined and read the proofs: until then no member counts, this one included. */
    private volatile MemberIdentities identities;
    private volatile RegistrationListener listener;

    ProvenClusterManager(HazelcastClusterManager hazelcast, boolean provenOnly) {
        this.hazelcast = hazelcast;
        this.provenOnly = provenOnly;
    }

    /** From now on, a member counts as the node {@code identities} says it has proven. */
    void routeBy(MemberIdentities identities) {
        this.identities = identities;
        refresh();
    }

    /**
     * Which members are nodes has changed: Vert.x forgets what it knew of every address and asks again at the next
     * message to it (answered from the proofs for a node's address, from the map on a worker thread for another).
     */
    void refresh() {
        RegistrationListener current = listener;
        for (String address : routed) {
            routed.remove(address);
            if (current != null && current.wantsUpdatesFor(address)) {
                current.registrationsUpdated(new RegistrationUpdateEvent(address, List.of()));
            }
        }
    }

    /**
     * The Vert.x node ids of the members that have proven a relay node, by node, this member's included: as signed in
     * their proofs, or (a node of the release before) as in their attributes.
     */
    private Map<NodeId, Set<String>> provenBusNodes() {
        Map<NodeId, Set<String>> nodes = new HashMap<>();
        provenMembers((member, node) -> nodes.computeIfAbsent(node, n -> new HashSet<>()).add(busNode(member)));
        return nodes;
    }

    private void provenMembers(BiConsumer<Member, NodeId> each) {
        MemberIdentities current = identities;
        if (current == null) {
            return;
        }
        // The member list is Hazelcast's local copy: no call over the network.
        for (Member member : hazelcast.getHazelcastInstance().getCluster().getMembers()) {
            Optional<NodeId> node = current.nodeOf(member);
            if (node.isPresent() && busNode(member) != null) {
                each.accept(member, node.get());
            }
        }
    }

    private String busNode(Member member) {
        return identities.busOf(member).map(BusAddress::vertxNode)
                .orElseGet(() -> member.getAttribute(VERTX_NODE_ATTRIBUTE));
    }

    /**
     * The registrations of {@code address} that the event bus may route to: for a relay node's address, one for each
     * member that proved the node (a node consumes each of its addresses from the time it serves; a message that
     * comes earlier finds no handler there, as it would find none here).
     */
    private List<RegistrationInfo> routable(String address, List<RegistrationInfo> registrations) {
        routed.add(address);
        if (!provenOnly) {
            return registrations;
        }
        Map<NodeId, Set<String>> proven = provenBusNodes();
        Optional<NodeId> owner = NodeAddresses.owner(address);
        if (owner.isPresent()) {
            return proven.getOrDefault(owner.get(), Set.of()).stream()
                    .map(busNode -> new RegistrationInfo(busNode, 0, false)).toList();
        }
        Set<String> allowed = proven.values().stream().collect(HashSet::new, Set::addAll, Set::addAll);
        return registrations.stream().filter(registration -> allowed.contains(registration.nodeId())).toList();
    }

    /** The member that has proven a relay node as Vert.x node {@code busNode}, if any. */
    private Optional<Member> provenMember(String busNode) {
        List<Member> found = new ArrayList<>(1);
        provenMembers((member, node) -> {
            if (busNode.equals(busNode(member))) {
                found.add(member);
            }
        });
        return found.stream().findFirst();
    }

    @Override
    public void registrationListener(RegistrationListener registrationListener) {
        this.listener = registrationListener;
        hazelcast.registrationListener(new RegistrationListener() {
            /** What the map says of a node's address changes nothing, however often a stranger writes it. */
            @Override
            public void registrationsUpdated(RegistrationUpdateEvent event) {
                if (!provenOnly || NodeAddresses.owner(event.address()).isEmpty()) {
                    registrationListener.registrationsUpdated(new RegistrationUpdateEvent(event.address(),
                            routable(event.address(), event.registrations())));
                }
            }

            @Override
            public void registrationsLost() {
                registrationListener.registrationsLost();
            }

            @Override
            public boolean wantsUpdatesFor(String address) {
                return registrationListener.wantsUpdatesFor(address);
            }
        });
    }

    /** A relay node's address is answered from the proofs alone, without reading the map. */
    @Override
    public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
        if (provenOnly && NodeAddresses.owner(address).isPresent()) {
            promise.succeed(routable(address, List.of()));
            return;
        }
        hazelcast.getRegistrations(address, (registrations, failure) -> {
            if (failure != null) {
                promise.fail(failure);
            } else {
                promise.succeed(routable(address, registrations));
            }
        });
    }

    /**
     * Where a proven node's event bus listens, as its proof says (or, for a node of the release before, the shared
     * map); a member that has proven no node is nowhere.
     */
    @Override
    public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
        if (!provenOnly) {
            hazelcast.getNodeInfo(nodeId, promise);
            return;
        }
        Optional<Member> member = provenMember(nodeId);
        if (member.isEmpty()) {
            promise.fail(new VertxException("Vert.x node " + nodeId + " is no member that proved a relay node",
                    true));
            return;
        }
        Optional<BusAddress> signed = identities.busOf(member.get());
        if (signed.isPresent()) {
            promise.succeed(signed.get().nodeInfo());
        } else {
            hazelcast.getNodeInfo(nodeId, promise);
        }
    }

    // Everything else is Hazelcast's cluster manager's, the node listener included: Vert.x HA owns it.

    @Override
    public void init(Vertx vertx) {
        hazelcast.init(vertx);
    }

    @Override
    public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
        hazelcast.getAsyncMap(name, promise);
    }

    @Override
    public <K, V> Map<K, V> getSyncMap(String name) {
        return hazelcast.getSyncMap(name);
    }

    @Override
    public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
        hazelcast.getLockWithTimeout(name, timeout, promise);
    }

    @Override
    public void getCounter(String name, Completable<Counter> promise) {
        hazelcast.getCounter(name, promise);
    }

    @Override
    public String getNodeId() {
        return hazelcast.getNodeId();
    }

    @Override
    public List<String> getNodes() {
        return hazelcast.getNodes();
    }

    @Override
    public NodeInfo getNodeInfo() {
        return hazelcast.getNodeInfo();
    }

    @Override
    public void nodeListener(NodeListener nodeListener) {
        hazelcast.nodeListener(nodeListener);
    }

    @Override
    public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
        hazelcast.setNodeInfo(nodeInfo, promise);
    }

    @Override
    public void join(Completable<Void> promise) {
        hazelcast.join(promise);
    }

    @Override
    public void leave(Completable<Void> promise) {
        hazelcast.leave(promise);
    }

    @Override
    public boolean isActive() {
        return hazelcast.isActive();
    }

    @Override
    public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
        hazelcast.addRegistration(address, registrationInfo, promise);
    }

    @Override
    public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
        hazelcast.removeRegistration(address, registrationInfo, promise);
    }

    @Override
    public String clusterHost() {
        return hazelcast.clusterHost();
    }

    @Override
    public String clusterPublicHost() {
        return hazelcast.clusterPublicHost();
    }
}
