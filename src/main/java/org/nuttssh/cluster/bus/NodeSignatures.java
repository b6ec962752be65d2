package org.nuttssh.cluster.bus;

import org.nuttssh.registry.NodeId;

/**
 * Binds what a node asks of another to the node it claims to be: the asking node signs the request with the key of
 * its certificate, and the asked node checks it against the certificate that the claimed node proved itself with.
 * Mutual TLS only says that the peer is some node of the cluster; the event bus does not tell a consumer which.
 */
public interface NodeSignatures {

    /** An insecure cluster ({@code --cluster-insecure}): nothing is signed, and any claim is taken as it is. */
    static NodeSignatures unchecked() {
        return new NodeSignatures() {
            @Override
            public String sign(byte[] content) {
                return "";
            }

            @Override
            public boolean signedBy(NodeId node, byte[] content, String signature) {
                return true;
            }

            @Override
            public boolean takesUnsigned() {
                return true;
            }
        };
    }

    /** {@code content} signed by this node, as text for a JSON message. */
    String sign(byte[] content);

    /** Whether {@code signature} is {@code content} signed with the certificate {@code node} proved itself with. */
    boolean signedBy(NodeId node, byte[] content, String signature);

    /**
     * Whether a request without a signature is taken: while a node of the release before signed operator requests
     * (df46318) is a member, since it sends them unsigned; never once every node signs.
     */
    boolean takesUnsigned();
}
