package org.nuttssh.cluster.membership;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The ids of the cluster secrets a node holds ({@code ClusterSecret.id}), as the node signed them in its proof: while
 * the secret is rotated, nodes seal with the next one only once every node announces it ({@link SecretRotation}).
 */
record SecretIds(List<String> ids) {

    /** What the ids' signature covers before them: a signature for nothing else. */
    private static final String CONTEXT = "nuttssh node secrets v1";
    /** A node holds two during a rotation; a few more leave room for later releases without unbounded lists. */
    private static final int MAX_IDS = 8;
    /** Hex of a 64-bit id. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

    SecretIds {
        ids = List.copyOf(ids);
    }

    /** The proof field, without its signature. */
    JsonObject toJson() {
        return new JsonObject().put("ids", new JsonArray(ids));
    }

    /** @throws RuntimeException if {@code json} holds no list of secret ids */
    static SecretIds fromJson(JsonObject json) {
        List<String> ids = json.getJsonArray("ids").stream().map(String.class::cast).toList();
        if (ids.size() > MAX_IDS || !ids.stream().allMatch(id -> ID.matcher(id).matches())) {
            throw new IllegalArgumentException("not a list of secret ids");
        }
        return new SecretIds(ids);
    }

    /** What the node signs: these ids for this member and node, so that they can be moved to neither. */
    byte[] signed(UUID member, NodeId node) {
        return String.join("\n", CONTEXT, member.toString(), node.value(), String.join(",", ids))
                .getBytes(StandardCharsets.UTF_8);
    }
}
