package org.nuttssh.cluster.bus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.eventbus.EventBus;

/**
 * The circuit halves on this node whose other end is on another node, by circuit id: frames from the far node reach
 * their half through here. A half leaves when it closes, and every half talking to a node that left closes at once.
 *
 * <p>A frame is bound to its circuit by the circuit's id alone: a random UUID that only the two nodes of the circuit
 * know, since the open that carries it and every frame go only to the member that proved the addressed node's id,
 * over mutual TLS. A frame for a circuit this node never had is refused and counted: nobody else can name one.
 */
final class RemoteEnds {

    /**
     * Circuits closed here lately, whose far half may still send what crossed the close (its own CLOSE, an ACK): their
     * frames are dropped without counting. Far more than the circuits that close in the time a frame takes to cross
     * (setup across nodes peaks near 1000 circuits per second, docs/performance.md).
     */
    static final int RECENTLY_CLOSED = 4096;

    private static final Logger log = LoggerFactory.getLogger(RemoteEnds.class);

    private final EventBus eventBus;
    private final Map<UUID, RemoteEnd> ends = new ConcurrentHashMap<>();
    private final Predicate<NodeId> grantsCredit;
    private final Map<UUID, Boolean> closed = new LinkedHashMap<>(RECENTLY_CLOSED, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > RECENTLY_CLOSED;
        }
    };
    private final AtomicLong refused;

    /**
     * @param grantsCredit whether a node grants credit from its window budget (see {@link RemoteEnd})
     * @param refused      counts frames for circuits this node never had
     */
    RemoteEnds(EventBus eventBus, Predicate<NodeId> grantsCredit, AtomicLong refused) {
        this.eventBus = eventBus;
        this.grantsCredit = grantsCredit;
        this.refused = refused;
    }

    /** A new half of {@code circuit}, whose frames go to {@code peer}'s frame address. */
    RemoteEnd open(UUID circuit, NodeId peer, String description) {
        String peerFrames = NodeAddresses.frames(peer);
        RemoteEnd end = new RemoteEnd(circuit, peer, description, frame -> eventBus.send(peerFrames, frame),
                this::gone, grantsCredit.test(peer));
        ends.put(circuit, end);
        return end;
    }

    private void gone(RemoteEnd end) {
        if (ends.remove(end.circuitId(), end)) {
            synchronized (closed) {
                closed.put(end.circuitId(), Boolean.TRUE);
            }
        }
    }

    /** Hands a frame to its circuit's half on this node; frames of circuits already gone are dropped. */
    void dispatch(Frame frame) {
        RemoteEnd end = ends.get(frame.circuit());
        if (end != null) {
            end.receive(frame);
            return;
        }
        boolean late;
        synchronized (closed) {
            late = closed.containsKey(frame.circuit());
        }
        if (!late && refused.getAndIncrement() == 0) {
            log.warn("refused a {} frame for circuit {}, which this node never had: a member that is not the "
                    + "circuit's node sends frames (later ones are only counted)", frame.kind(), frame.circuit());
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
