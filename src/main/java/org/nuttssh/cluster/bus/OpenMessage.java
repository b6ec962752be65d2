package org.nuttssh.cluster.bus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonObject;

/** The fields of a circuit open between nodes, and what its signature covers. */
final class OpenMessage {

    /** How long an initiator waits for the far node, which itself waits for its listening client. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    static final String CIRCUIT = "circuit";
    static final String NODE = "node";
    static final String LISTENER = "listener";
    static final String PORT = "port";
    static final String ORIGIN_HOST = "originHost";
    static final String ORIGIN_PORT = "originPort";
    static final String INITIATOR = "initiator";
    static final String SIGNATURE = "signature";
    /** An open request carrying this field only opens the connections between two nodes; see EventBusNodes.greet. */
    static final String HELLO = "hello";
    /** What an open's signature covers before its fields: a signature for nothing else. */
    private static final String SIGNED = "nuttssh circuit open v1";

    private OpenMessage() {
    }

    /**
     * What the initiator's node signs: every field of the open, and the node it is meant for, so that neither can be
     * changed or sent elsewhere. The circuit id is random, so each open is signed once.
     */
    static byte[] signed(JsonObject request, NodeId target) {
        return String.join("\n", SIGNED, target.value(), request.getString(CIRCUIT), request.getString(NODE),
                request.getString(LISTENER), String.valueOf(request.getInteger(PORT)),
                request.getString(ORIGIN_HOST), String.valueOf(request.getInteger(ORIGIN_PORT)),
                request.getString(INITIATOR)).getBytes(StandardCharsets.UTF_8);
    }
}
