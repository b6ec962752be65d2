package org.nuttssh.cluster.registry;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The shared-map form of a {@link ListenerRecord}: JSON text, so any node version can read it without classes. */
final class ListenerRecordJson {

    private ListenerRecordJson() {
    }

    static String encode(ListenerRecord record) {
        JsonObject ports = new JsonObject();
        record.ports().forEach((port, host) -> ports.put(String.valueOf(port), host));
        return new JsonObject()
                .put("id", record.id())
                .put("node", record.node().value())
                .put("hostname", record.hostname())
                .put("aliases", new JsonArray(record.aliases()))
                .put("ports", ports)
                .put("address", record.address())
                .put("connectedAt", record.connectedAt().toEpochMilli())
                .put("sequence", record.sequence())
                .encode();
    }

    static ListenerRecord decode(String text) {
        JsonObject json = new JsonObject(text);
        TreeMap<Integer, String> ports = new TreeMap<>();
        for (Map.Entry<String, Object> port : json.getJsonObject("ports")) {
            ports.put(Integer.valueOf(port.getKey()), (String) port.getValue());
        }
        return new ListenerRecord(json.getString("id"), new NodeId(json.getString("node")), json.getString("hostname"),
                json.getJsonArray("aliases").stream().map(String.class::cast).toList(), ports,
                json.getString("address"), Instant.ofEpochMilli(json.getLong("connectedAt")),
                json.getLong("sequence"));
    }
}
