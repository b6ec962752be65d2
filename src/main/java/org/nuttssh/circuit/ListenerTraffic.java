package org.nuttssh.circuit;

/**
 * The circuits of one listening client on this node.
 *
 * @param openCircuits circuits open to it now
 * @param bytes        bytes relayed both ways through its circuits, open and closed, since it started listening
 */
public record ListenerTraffic(int openCircuits, long bytes) {
}
