package org.nuttssh.circuit;

/**
 * Who asks for a circuit: an authenticated client connected to this node.
 *
 * @param clientId    the connection's id, unique in the cluster
 * @param name        the client's name
 * @param address     {@code ip:port}
 * @param fingerprint of the key it logged in with (with a certificate, its CA's)
 * @param certificate the certificate it logged in with ({@code id "..." serial N ca SHA256:...}), or null
 */
public record Initiator(String clientId, String name, String address, String fingerprint, String certificate) {

    /** A client that logged in with a plain key. */
    public Initiator(String clientId, String name, String address, String fingerprint) {
        this(clientId, name, address, fingerprint, null);
    }

    /** For logs: {@code name@address}. */
    public String describe() {
        return name + "@" + address;
    }
}
