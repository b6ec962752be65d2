package org.nuttssh.events;

/** Where the parts of the relay report what happens on this node. Never blocks: whoever reports is on an I/O thread. */
@FunctionalInterface
public interface EventSink {

    /** Reports nowhere, for parts tested on their own. */
    EventSink NONE = event -> { };

    void emit(RelayEvent event);
}
