package org.nuttssh.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded queue of events between the part that reports them (never waiting) and one reader that takes them when
 * it can: when full, an event is dropped and counted, and the reader learns the count with the next events it takes.
 */
public final class EventQueue {

    private final int capacity;
    // Guarded by this.
    private final ArrayDeque<RelayEvent> events = new ArrayDeque<>();
    private long dropped;

    public EventQueue(int capacity) {
        this.capacity = capacity;
    }

    /** @return false when the queue is full and the event was dropped */
    public synchronized boolean offer(RelayEvent event) {
        if (events.size() >= capacity) {
            dropped++;
            return false;
        }
        events.add(event);
        return true;
    }

    /**
     * Takes up to {@code max} events, oldest first, preceded by a {@link RelayEvent#DROPPED} event when some were
     * dropped since the last take.
     *
     * @param node the node that dropped them, as events name it
     */
    public synchronized List<RelayEvent> take(int max, String node) {
        List<RelayEvent> taken = new ArrayList<>(Math.min(max, events.size()) + 1);
        if (dropped > 0) {
            taken.add(RelayEvent.dropped(dropped, node));
            dropped = 0;
        }
        while (taken.size() < max && !events.isEmpty()) {
            taken.add(events.poll());
        }
        return taken;
    }

    public synchronized boolean isEmpty() {
        return events.isEmpty() && dropped == 0;
    }
}
