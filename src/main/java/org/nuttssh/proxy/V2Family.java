package org.nuttssh.proxy;

import java.util.Optional;

/** The high nibble of a PROXY v2 header's 14th byte, with the size of the address block it implies. */
enum V2Family {
    UNSPEC(0x0, 0),
    /** Two 4-byte addresses and two 2-byte ports. */
    INET(0x1, 12),
    /** Two 16-byte addresses and two 2-byte ports. */
    INET6(0x2, 36),
    /** Two 108-byte socket paths. */
    UNIX(0x3, 216);

    private final int wire;
    private final int addressLength;

    V2Family(int wire, int addressLength) {
        this.wire = wire;
        this.addressLength = addressLength;
    }

    /** Bytes the source and destination addresses take, before any TLVs. */
    int addressLength() {
        return addressLength;
    }

    static Optional<V2Family> fromWire(int nibble) {
        for (V2Family family : values()) {
            if (family.wire == nibble) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }
}
