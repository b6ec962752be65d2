package org.nuttssh.circuit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounts of the circuits on this node: which are open and whose they are, how many each initiator has open
 * or opening (for its limit), and the bytes of those already closed, so that totals never go down when a circuit
 * closes. One lock guards it all, so a total read while a circuit closes counts that circuit exactly once.
 */
final class CircuitBook {

    private final Map<Circuit, OpenCircuit> open = new LinkedHashMap<>();
    /** Circuits open or being opened, by initiator connection id. */
    private final Map<String, Integer> byInitiator = new HashMap<>();
    /** Bytes of closed circuits, by id of the listening client they ended at on this node. */
    private final Map<String, Long> closedBytesByListener = new HashMap<>();
    private long closedUp;
    private long closedDown;
    private long opened;

    /**
     * Counts a circuit being opened by {@code initiatorId}, unless it has {@code max} already.
     *
     * @param max 0 for no limit
     */
    synchronized boolean reserve(String initiatorId, int max) {
        int current = byInitiator.getOrDefault(initiatorId, 0);
        if (max > 0 && current >= max) {
            return false;
        }
        byInitiator.put(initiatorId, current + 1);
        return true;
    }

    /** A reserved circuit did not open, or has closed. */
    synchronized void release(String initiatorId) {
        byInitiator.computeIfPresent(initiatorId, (id, count) -> count > 1 ? count - 1 : null);
    }

    synchronized void opened(OpenCircuit circuit) {
        open.put(circuit.circuit(), circuit);
        opened++;
    }

    /** @return the circuit's entry, or null if it was not open here */
    synchronized OpenCircuit closed(Circuit circuit) {
        OpenCircuit entry = open.remove(circuit);
        if (entry == null) {
            return null;
        }
        closedUp += circuit.bytesUp();
        closedDown += circuit.bytesDown();
        if (entry.localListener() != null) {
            closedBytesByListener.computeIfPresent(entry.localListener(),
                    (id, bytes) -> bytes + circuit.bytesUp() + circuit.bytesDown());
        }
        if (entry.initiator() != null) {
            release(entry.initiator().clientId());
        }
        return entry;
    }

    /** Starts keeping the byte total of a listening client's closed circuits. */
    synchronized void listening(String listenerId) {
        closedBytesByListener.putIfAbsent(listenerId, 0L);
    }

    synchronized void notListening(String listenerId) {
        closedBytesByListener.remove(listenerId);
    }

    synchronized List<OpenCircuit> openCircuits() {
        return List.copyOf(open.values());
    }

    synchronized int openCount() {
        return open.size();
    }

    /** Circuits opened here since start, including those since closed. */
    synchronized long openedTotal() {
        return opened;
    }

    /** Bytes from initiators to listening clients, closed circuits and open ones. */
    synchronized long bytesUp() {
        return closedUp + open.keySet().stream().mapToLong(Circuit::bytesUp).sum();
    }

    /** Bytes from listening clients to initiators, closed circuits and open ones. */
    synchronized long bytesDown() {
        return closedDown + open.keySet().stream().mapToLong(Circuit::bytesDown).sum();
    }

    synchronized ListenerTraffic traffic(String listenerId) {
        int circuits = 0;
        long bytes = closedBytesByListener.getOrDefault(listenerId, 0L);
        for (OpenCircuit entry : open.values()) {
            if (listenerId.equals(entry.localListener())) {
                circuits++;
                bytes += entry.circuit().bytesUp() + entry.circuit().bytesDown();
            }
        }
        return new ListenerTraffic(circuits, bytes);
    }

    /** Circuits a client takes part in on this node, as initiator (counting those being opened) or as target. */
    synchronized int involving(String clientId) {
        int circuits = byInitiator.getOrDefault(clientId, 0);
        for (OpenCircuit entry : open.values()) {
            if (clientId.equals(entry.localListener())) {
                circuits++;
            }
        }
        return circuits;
    }
}
