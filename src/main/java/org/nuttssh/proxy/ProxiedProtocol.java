package org.nuttssh.proxy;

import java.util.Optional;
import java.util.function.Function;

/**
 * What a PROXY header says is being proxied. Version 1 names it in one word ({@code TCP4}, {@code TCP6},
 * {@code UNKNOWN}); version 2 gives a command, then an address family and a transport protocol, one nibble each.
 * The wire values live here, nested, so both parsers read them from one place.
 */
enum ProxiedProtocol {
    TCP4("TCP4"),
    TCP6("TCP6"),
    /** The proxy could not tell; whatever follows on a v1 line carries no meaning. */
    UNKNOWN("UNKNOWN");

    private final String word;

    ProxiedProtocol(String word) {
        this.word = word;
    }

    /** The word a v1 line uses. */
    String word() {
        return word;
    }

    static Optional<ProxiedProtocol> fromV1(String word) {
        return find(values(), ProxiedProtocol::word, word);
    }

    /** The low nibble of a v2 header's 13th byte. */
    enum Command {
        /** The proxy's own connection, e.g. a health check: the addresses, if any, mean nothing. */
        LOCAL(0x0),
        /** A relayed connection: the addresses name the real client and the address it connected to. */
        PROXY(0x1);

        private final int wire;

        Command(int wire) {
            this.wire = wire;
        }

        static Optional<Command> fromWire(int nibble) {
            return find(values(), command -> command.wire, nibble);
        }
    }

    /** The high nibble of a v2 header's 14th byte, with the size of the address block it implies. */
    enum AddressFamily {
        UNSPEC(0x0, 0),
        /** Two 4-byte addresses and two 2-byte ports. */
        INET(0x1, 12),
        /** Two 16-byte addresses and two 2-byte ports. */
        INET6(0x2, 36),
        /** Two 108-byte socket paths. */
        UNIX(0x3, 216);

        private final int wire;
        private final int addressLength;

        AddressFamily(int wire, int addressLength) {
            this.wire = wire;
            this.addressLength = addressLength;
        }

        /** Bytes the source and destination addresses take, before any TLVs. */
        int addressLength() {
            return addressLength;
        }

        static Optional<AddressFamily> fromWire(int nibble) {
            return find(values(), family -> family.wire, nibble);
        }
    }

    /** The low nibble of a v2 header's 14th byte. */
    enum TransportProtocol {
        UNSPEC(0x0),
        STREAM(0x1),
        DGRAM(0x2);

        private final int wire;

        TransportProtocol(int wire) {
            this.wire = wire;
        }

        static Optional<TransportProtocol> fromWire(int nibble) {
            return find(values(), transport -> transport.wire, nibble);
        }
    }

    private static <E, W> Optional<E> find(E[] values, Function<E, W> wire, W value) {
        for (E candidate : values) {
            if (wire.apply(candidate).equals(value)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
