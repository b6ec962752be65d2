package org.nuttssh.cluster.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Sighting;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A {@link Sighting} as a value of the shared presence map: JSON, sealed with AES-256-GCM under a key of its own
 * (derived from the cluster secret for {@link #KEY_PURPOSE}) with the map key as associated data, so that a value
 * neither opens without the secret nor under another name. In an insecure cluster, plain JSON, as the records are.
 * Either way a value must name the key it is found under.
 *
 * <p>Layout: format (1 byte), then the sealed (or plain) JSON.
 */
public final class PresenceCodec {

    /** The key's purpose, for its derivation from the cluster secret. */
    public static final String KEY_PURPOSE = "nuttssh presence v1";

    private static final byte FORMAT = 1;
    private static final String CONTEXT = "nuttssh presence of ";

    /** Null in an insecure cluster. */
    private final Sealer key;

    private PresenceCodec(Sealer key) {
        this.key = key;
    }

    public static PresenceCodec sealed(Sealer key) {
        return new PresenceCodec(key);
    }

    public static PresenceCodec plain() {
        return new PresenceCodec(null);
    }

    byte[] encode(Sighting sighting) {
        byte[] json = new JsonObject()
                .put("name", sighting.name())
                .put("aliases", new JsonArray(sighting.aliases()))
                .put("ports", new JsonArray(sighting.ports()))
                .put("node", sighting.node().value())
                .put("address", sighting.address())
                .put("lastSeen", sighting.lastSeen().toEpochMilli())
                .toBuffer().getBytes();
        byte[] body = key == null ? json : key.seal(associated(sighting.key()), json);
        return ByteBuffer.allocate(1 + body.length).put(FORMAT).put(body).array();
    }

    /** @return the sighting, or empty when the value does not open as one stored under {@code mapKey} */
    Optional<Sighting> decode(String mapKey, byte[] value) {
        try {
            if (value.length < 1 || value[0] != FORMAT) {
                return Optional.empty();
            }
            byte[] body = new byte[value.length - 1];
            System.arraycopy(value, 1, body, 0, body.length);
            Optional<byte[]> json = key == null ? Optional.of(body) : key.open(associated(mapKey), body);
            return json.map(plain -> parse(new JsonObject(Buffer.buffer(plain))))
                    .filter(sighting -> sighting.key().equals(mapKey));
        } catch (RuntimeException e) {
            // Not JSON, or JSON that is not a sighting: a stranger's value, or another relay version's.
            return Optional.empty();
        }
    }

    private static Sighting parse(JsonObject json) {
        return new Sighting(json.getString("name"),
                json.getJsonArray("aliases").stream().map(String.class::cast).toList(),
                json.getJsonArray("ports").stream().map(port -> ((Number) port).intValue()).toList(),
                new NodeId(json.getString("node")), json.getString("address"),
                Instant.ofEpochMilli(json.getLong("lastSeen")));
    }

    private static byte[] associated(String mapKey) {
        return (CONTEXT + mapKey).getBytes(StandardCharsets.UTF_8);
    }
}
