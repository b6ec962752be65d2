package org.nuttssh.proxy;

import java.util.Optional;

/** The low nibble of a PROXY v2 header's 14th byte. */
enum V2Transport {
    UNSPEC(0x0),
    STREAM(0x1),
    DGRAM(0x2);

    private final int wire;

    V2Transport(int wire) {
        this.wire = wire;
    }

    static Optional<V2Transport> fromWire(int nibble) {
        for (V2Transport transport : values()) {
            if (transport.wire == nibble) {
                return Optional.of(transport);
            }
        }
        return Optional.empty();
    }
}
