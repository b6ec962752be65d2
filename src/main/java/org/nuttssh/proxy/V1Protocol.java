package org.nuttssh.proxy;

import java.util.Optional;

/** The protocol word of a PROXY v1 line: which address family follows, or none. */
enum V1Protocol {
    TCP4("TCP4"),
    TCP6("TCP6"),
    /** The proxy could not tell; whatever follows on the line carries no meaning. */
    UNKNOWN("UNKNOWN");

    private final String wire;

    V1Protocol(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    static Optional<V1Protocol> fromWire(String word) {
        for (V1Protocol protocol : values()) {
            if (protocol.wire.equals(word)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }
}
