package org.nuttssh.cluster.bus;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.eventbus.EventBus;

/**
 * The circuit halves on this node whose other end is on another node, by circuit id: frames from the far node reach
 * their half through here. A half leaves when it closes, and every half talking to a node that left closes at once.
 */
final class RemoteEnds {

    private static final Logger log = LoggerFactory.getLogger(RemoteEnds.class);

    private final EventBus eventBus;
    private final Map<UUID, RemoteEnd> ends = new ConcurrentHashMap<>();
    private final Predicate<NodeId> grantsCredit;

    /** @param grantsCredit whether a node grants credit from its window budget (see {@link RemoteEnd}) */
    RemoteEnds(EventBus eventBus, Predicate<NodeId> grantsCredit) {
        this.eventBus = eventBus;
        this.grantsCredit = grantsCredit;
    }

    /** A new half of {@code circuit}, whose frames go to {@code peer}'s frame address. */
    RemoteEnd open(UUID circuit, NodeId peer, String description) {
        String peerFrames = NodeAddresses.frames(peer);
        RemoteEnd end = new RemoteEnd(circuit, peer, description, frame -> eventBus.send(peerFrames, frame),
                gone -> ends.remove(gone.circuitId(), gone), grantsCredit.test(peer));
        ends.put(circuit, end);
        return end;
    }

    /** Hands a frame to its circuit's half on this node; frames of circuits already gone are dropped. */
    void dispatch(Frame frame) {
        RemoteEnd end = ends.get(frame.circuit());
        if (end != null) {
            end.receive(frame);
        }
    }

    /** A node left the cluster: every circuit half talking to it closes now instead of hanging. */
    void nodeLeft(NodeId departed) {
        List<RemoteEnd> lost = ends.values().stream().filter(end -> end.peerNode().equals(departed)).toList();
        if (!lost.isEmpty()) {
            log.info("node {} left: closing {} circuits through it", departed.shortId(), lost.size());
            lost.forEach(RemoteEnd::peerLost);
        }
    }
}
