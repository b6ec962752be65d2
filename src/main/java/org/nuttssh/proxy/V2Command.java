package org.nuttssh.proxy;

import java.util.Optional;

/** The low nibble of a PROXY v2 header's 13th byte. */
enum V2Command {
    /** The proxy's own connection, e.g. a health check: the addresses, if any, mean nothing. */
    LOCAL(0x0),
    /** A relayed connection: the addresses name the real client and the address it connected to. */
    PROXY(0x1);

    private final int wire;

    V2Command(int wire) {
        this.wire = wire;
    }

    static Optional<V2Command> fromWire(int nibble) {
        for (V2Command command : values()) {
            if (command.wire == nibble) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
