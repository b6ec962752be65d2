package org.nuttssh.circuit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.nuttssh.events.EventSink;
import org.nuttssh.events.RelayEvent;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

/**
 * The switchboard's events, each reported once in the cluster, by the node where it happens: a listening client's
 * by the node it is connected to, a circuit's and a refusal's by the initiator's node (which also writes the
 * circuit's audit record), so that nothing is reported twice for a circuit between two nodes.
 */
final class CircuitEvents {

    private final EventSink sink;
    private final String node;

    CircuitEvents(EventSink sink, NodeId node) {
        this.sink = sink;
        this.node = node.shortId();
    }

    /** A listening client's names were registered: it can be reached now. */
    void connected(ListenerRecord record) {
        sink.emit(client(RelayEvent.CONNECTED, record));
    }

    /** Its names were withdrawn: it disconnected, or gave up its last listener. */
    void disconnected(ListenerRecord record) {
        sink.emit(client(RelayEvent.DISCONNECTED, record)
                .with("duration_ms", Duration.between(record.connectedAt(), Instant.now()).toMillis()));
    }

    private RelayEvent client(String event, ListenerRecord record) {
        return RelayEvent.now(event, record.hostname(), node).with("aliases", record.aliases())
                .with("ports", List.copyOf(record.ports().keySet())).with("address", record.address());
    }

    void opened(OpenCircuit entry) {
        if (entry.audited()) {
            sink.emit(circuit(RelayEvent.CIRCUIT_OPENED, entry));
        }
    }

    /** @param entry a circuit whose audit record this node writes */
    void closed(OpenCircuit entry) {
        Circuit circuit = entry.circuit();
        sink.emit(circuit(RelayEvent.CIRCUIT_CLOSED, entry).with("bytes_up", circuit.bytesUp())
                .with("bytes_down", circuit.bytesDown())
                .with("duration_ms", Duration.between(circuit.openedAt(), Instant.now()).toMillis())
                .with("reason", circuit.closeReason()));
    }

    private RelayEvent circuit(String event, OpenCircuit entry) {
        return RelayEvent.now(event, entry.target(), node).with("port", entry.port())
                .with("initiator", entry.initiator().name()).with("initiator_address", entry.initiator().address())
                .with("target_node", entry.targetNode().shortId());
    }

    /** A circuit {@code who} asked for here was refused, whoever decided it. */
    void refused(Initiator who, String target, int port, CircuitRefusedException why) {
        sink.emit(RelayEvent.now(RelayEvent.REFUSED, target, node).with("port", port)
                .with("initiator", who.name()).with("initiator_address", who.address())
                .with("reason", why.reason().label()).with("message", why.getMessage()));
    }
}
