package org.nuttssh.admin;

/**
 * A listening client's circuits, as the node holding its connection counts them.
 *
 * @param clientId     its registry id
 * @param openCircuits circuits open to it now
 * @param bytes        bytes relayed both ways through its circuits since it started listening
 */
public record ClientTraffic(String clientId, int openCircuits, long bytes) {
}
