package org.nuttssh.cluster.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A {@link ListenerRecord} as JSON bytes, so any node version can read it without classes. On its own it is the form
 * of a cluster run with {@code --cluster-insecure}.
 */
public final class ListenerRecordJson implements RecordCodec {

    private static final String VERSION = "version";

    @Override
    public byte[] encode(ListenerRecord record, long version) {
        return body(record).put(VERSION, version).toBuffer().getBytes();
    }

    @Override
    public Optional<VersionedRecord> decode(String key, byte[] value) {
        try {
            JsonObject json = new JsonObject(Buffer.buffer(value));
            ListenerRecord record = parse(json);
            return RecordKey.of(record).equals(key) ? Optional.of(new VersionedRecord(record, json.getLong(VERSION)))
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Plain, like the records: the 16 bytes of the digest. */
    @Override
    public byte[] encodeLedger(NodeId node, SliceDigest digest) {
        return digest.toBytes();
    }

    @Override
    public Optional<SliceDigest> decodeLedger(NodeId node, byte[] value) {
        try {
            return Optional.of(SliceDigest.fromBytes(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The record's own fields, without the owner's version. */
    static JsonObject body(ListenerRecord record) {
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
                .put("sequence", record.sequence());
    }

    /** @throws RuntimeException when the JSON is not a record's */
    static ListenerRecord parse(JsonObject json) {
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
