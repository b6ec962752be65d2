package org.nuttssh.events;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

import org.nuttssh.registry.NodeId;

/**
 * This node's events, passed on as they happen: to every {@code events} reader connected here, with the events
 * other nodes send; and, for this node's own events only, to the outlets that take them further (the other nodes,
 * the webhook). Whoever takes an event must not block: each keeps a bounded queue of its own.
 */
public final class EventHub implements EventSink {

    private final String node;
    private final Set<Consumer<RelayEvent>> readers = new CopyOnWriteArraySet<>();
    private final List<Consumer<RelayEvent>> outlets = new CopyOnWriteArrayList<>();

    public EventHub(NodeId node) {
        this.node = node.shortId();
    }

    /** This node, as its events name it. */
    public String node() {
        return node;
    }

    /** An event that happened on this node. */
    @Override
    public void emit(RelayEvent event) {
        readers.forEach(reader -> reader.accept(event));
        outlets.forEach(outlet -> outlet.accept(event));
    }

    /** An event another node sent: for the readers here only, since that node passes its own events on. */
    public void fromOtherNode(RelayEvent event) {
        readers.forEach(reader -> reader.accept(event));
    }

    /** {@code reader} gets every event of the cluster until {@link #unsubscribe}. */
    public void subscribe(Consumer<RelayEvent> reader) {
        readers.add(reader);
    }

    public void unsubscribe(Consumer<RelayEvent> reader) {
        readers.remove(reader);
    }

    /** Whether anyone here follows the events now. */
    public boolean hasReaders() {
        return !readers.isEmpty();
    }

    /** {@code outlet} gets this node's own events from now on, for as long as the node runs. */
    public void addOutlet(Consumer<RelayEvent> outlet) {
        outlets.add(outlet);
    }
}
