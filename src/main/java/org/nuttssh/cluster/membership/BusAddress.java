package org.nuttssh.cluster.membership;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;

/**
 * Where a node's event bus listens, as the node itself signed it in its proof: its Vert.x node id, host and port.
 * Vert.x keeps the same in a shared map that any member can write; read from a proof, a stranger cannot send a
 * node's frames elsewhere.
 */
record BusAddress(String vertxNode, String host, int port) {

    /** What a bus address's signature covers before its fields: a signature for nothing else. */
    private static final String CONTEXT = "nuttssh node event bus v1";

    static BusAddress of(String vertxNode, NodeInfo info) {
        return new BusAddress(vertxNode, info.host(), info.port());
    }

    /** The proof field, without its signature. */
    JsonObject toJson() {
        return new JsonObject().put("vertx", vertxNode).put("host", host).put("port", port);
    }

    /** @throws RuntimeException if {@code json} is no bus address */
    static BusAddress fromJson(JsonObject json) {
        BusAddress address = new BusAddress(json.getString("vertx"), json.getString("host"), json.getInteger("port"));
        new NodeInfo(address.host, address.port, null); // checks the host and the port's range
        if (address.vertxNode == null || address.vertxNode.isEmpty()) {
            throw new IllegalArgumentException("no Vert.x node id");
        }
        return address;
    }

    NodeInfo nodeInfo() {
        return new NodeInfo(host, port, null);
    }

    /** What the node signs: this address for this member and node, so that it can be moved to neither. */
    byte[] signed(UUID member, NodeId node) {
        return String.join("\n", CONTEXT, member.toString(), node.value(), vertxNode, host, String.valueOf(port))
                .getBytes(StandardCharsets.UTF_8);
    }
}
