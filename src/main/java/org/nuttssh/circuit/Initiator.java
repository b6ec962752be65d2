package org.nuttssh.circuit;

/**
 * Who asks for a circuit: an authenticated client connected to this node.
 *
 * @param clientId    the connection's id, unique in the cluster
 * @param name        the client's name
 * @param address     {@code ip:port}
 * @param fingerprint of the key it logged in with
 */
public record Initiator(String clientId, String name, String address, String fingerprint) {

    /** For logs: {@code name@address}. */
    public String describe() {
        return name + "@" + address;
    }
}
