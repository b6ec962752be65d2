package org.nuttssh.circuit;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one audit record per circuit, written when it closes by the initiator's node: who (key fingerprint and name),
 * to what (name and port), through which node(s), how many bytes each way, for how long, and why it ended. The
 * fields are in the message for text logs and also key-value pairs, which the JSON log format keeps as fields.
 */
final class CircuitAudit {

    private static final Logger log = LoggerFactory.getLogger(CircuitAudit.class);

    private CircuitAudit() {
    }

    static void closed(OpenCircuit entry) {
        Circuit circuit = entry.circuit();
        Initiator initiator = entry.initiator();
        long millis = Duration.between(circuit.openedAt(), Instant.now()).toMillis();
        String nodes = entry.initiatorNode().equals(entry.targetNode())
                ? "node " + entry.initiatorNode().shortId()
                : "nodes " + entry.initiatorNode().shortId() + " -> "
                        + entry.targetNode().shortId();
        String reason = circuit.closeReason();
        log.atInfo()
                .setMessage("circuit closed: " + initiator.describe() + " (" + (initiator.certificate() == null
                        ? "key " + initiator.fingerprint() : "certificate " + initiator.certificate()) + ") -> "
                        + entry.target() + ":" + entry.port() + " via " + nodes + ", " + circuit.bytesUp()
                        + " bytes up, " + circuit.bytesDown() + " bytes down, " + millis + " ms, " + reason)
                .addKeyValue("initiator", initiator.name())
                .addKeyValue("initiator_address", initiator.address())
                .addKeyValue("initiator_key", initiator.fingerprint())
                .addKeyValue("initiator_certificate", initiator.certificate())
                .addKeyValue("target", entry.target())
                .addKeyValue("port", entry.port())
                .addKeyValue("initiator_node", entry.initiatorNode().value())
                .addKeyValue("target_node", entry.targetNode().value())
                .addKeyValue("bytes_up", circuit.bytesUp())
                .addKeyValue("bytes_down", circuit.bytesDown())
                .addKeyValue("duration_ms", millis)
                .addKeyValue("close_reason", reason)
                .log();
    }
}
