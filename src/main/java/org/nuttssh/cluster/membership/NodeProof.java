package org.nuttssh.cluster.membership;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;

import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonObject;

/**
 * A node's proof of identity as {@link NodeProofs} keeps it in the shared map: JSON with the node id, the certificate,
 * a signature for the member, and the fields later releases added, each signed on its own, which older nodes ignore.
 */
final class NodeProof {

    /** What a proof's signature covers, before the UUID and the node id: a signature for nothing else. */
    private static final String CONTEXT = "nuttssh node proof v1";

    private NodeProof() {
    }

    /**
     * The proof that {@code member} is {@code node}, signed with the key of {@code trust}'s certificate.
     *
     * @param nonce   what {@code node} was derived from ({@link BoundIds}); null for none, as release df46318 signs
     * @param bus     where the node's event bus listens; null for nowhere signed, as release df46318 proves
     * @param secrets the ids of the cluster secrets the node holds; null for none, as release df46318 proves
     */
    static byte[] of(ClusterTrust trust, UUID member, NodeId node, String nonce, BusAddress bus,
                     SecretIds secrets) {
        try {
            // The nonce, the bus address and the secrets are new in this release; nodes of release df46318 ignore them.
            JsonObject proof = new JsonObject().put("node", node.value());
            if (nonce != null) {
                proof.put("nonce", nonce);
            }
            proof.put("certificate", Base64.getEncoder().encodeToString(trust.certificate().getEncoded()))
                    .put("signature", Base64.getEncoder().encodeToString(trust.sign(signed(member, node))));
            if (bus != null) {
                proof.put("bus", bus.toJson().put("signature",
                        Base64.getEncoder().encodeToString(trust.sign(bus.signed(member, node)))));
            }
            if (secrets != null) {
                proof.put("secrets", secrets.toJson().put("signature",
                        Base64.getEncoder().encodeToString(trust.sign(secrets.signed(member, node)))));
            }
            return proof.toBuffer().getBytes();
        } catch (GeneralSecurityException e) {
            // The key signed a test value at start (ClusterTrust.load).
            throw new IllegalStateException("cannot sign this node's proof: " + e, e);
        }
    }

    /** What the proof's own signature covers. */
    static byte[] signed(UUID member, NodeId node) {
        return (CONTEXT + "\n" + member + "\n" + node.value()).getBytes(StandardCharsets.UTF_8);
    }
}
