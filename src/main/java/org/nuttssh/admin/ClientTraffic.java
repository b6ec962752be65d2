package org.nuttssh.admin;

/**
 * A listening client's circuits, as the node holding its connection counts them.
 *
 * @param clientId     its registry id
 * @param openCircuits circuits open to it now
 * @param bytes        bytes relayed both ways through its circuits since it started listening
 * @param certificate  the certificate it logged in with ({@code id "..." serial N ca SHA256:...}), or null
 * @param key          the fingerprint of the key it logged in with (with a certificate, its CA's); null when the
 *                     node holding it does not say (a node of an earlier release)
 */
public record ClientTraffic(String clientId, int openCircuits, long bytes, String certificate, String key) {

    /** A client that logged in with a plain key, whose fingerprint is not known. */
    public ClientTraffic(String clientId, int openCircuits, long bytes) {
        this(clientId, openCircuits, bytes, null, null);
    }
}
