package org.nuttssh.cluster.membership;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.nuttssh.registry.NodeId;

/**
 * Node ids bound to the certificate that proves them: a node's id is derived from its certificate's name (the
 * subject's common name, which {@code cluster-certs} sets to the node's name, in every release) and a random nonce of
 * this start, which its proof carries. So a certificate proves ids of its own name only, never another node's; a new
 * id each start keeps a restarted node apart from what its last run left behind, as random ids did.
 *
 * <p>The id is a UUID (version 8, the form for ids of one's own making) of the first 16 bytes of a SHA-256, so that it
 * reads, sorts and shortens as the random ids of earlier releases do.
 */
final class BoundIds {

    /** What the digest covers before the name and the nonce: an id for nothing else. */
    private static final String CONTEXT = "nuttssh node id v1";
    /** 128 random bits: no two starts of one certificate ever meet on an id. */
    private static final int NONCE_BYTES = 16;

    private static final SecureRandom random = new SecureRandom();

    private BoundIds() {
    }

    static String nonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The id that a certificate named {@code name} proves with {@code nonce}. */
    static NodeId idOf(String name, String nonce) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((CONTEXT + "\n" + name + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
            digest[6] = (byte) ((digest[6] & 0x0f) | 0x80); // version 8
            digest[8] = (byte) ((digest[8] & 0x3f) | 0x80); // the RFC 9562 variant
            ByteBuffer bits = ByteBuffer.wrap(digest);
            return new NodeId(new UUID(bits.getLong(), bits.getLong()).toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK: " + e, e);
        }
    }

    /** The node name a certificate gives: its subject's common name, or empty when it has none. */
    static Optional<String> nameOf(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
