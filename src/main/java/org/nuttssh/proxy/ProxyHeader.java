package org.nuttssh.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded PROXY header.
 *
 * @param version     1 (text) or 2 (binary)
 * @param origin      what the header says about where the connection comes from
 * @param source      the real client, for {@link Origin#PROXIED} only, else null
 * @param destination the address the client connected to, for {@link Origin#PROXIED} only, else null
 * @param length      bytes the header took, so that the SSH version line starts right after them
 */
record ProxyHeader(int version, Origin origin, InetSocketAddress source, InetSocketAddress destination, int length) {

    enum Origin {
        /** Relayed for the client named by the source address. */
        PROXIED,
        /** The proxy's own connection (v2 LOCAL, e.g. a health check): no client to admit. */
        LOCAL,
        /** Relayed, but the proxy gave no IP addresses (v1 UNKNOWN, v2 UNSPEC or UNIX): no client to judge. */
        UNKNOWN
    }

    ProxyHeader {
        Objects.requireNonNull(origin, "origin");
        if ((origin == Origin.PROXIED) != (source != null && destination != null)) {
            throw new IllegalArgumentException(origin + " header with source " + source + ", destination "
                    + destination);
        }
        if (origin != Origin.PROXIED && (source != null || destination != null)) {
            throw new IllegalArgumentException(origin + " header cannot carry addresses");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("header length: " + length + " (expected: > 0)");
        }
    }

    static ProxyHeader proxied(int version, InetSocketAddress source, InetSocketAddress destination, int length) {
        return new ProxyHeader(version, Origin.PROXIED, source, destination, length);
    }

    static ProxyHeader local(int version, int length) {
        return new ProxyHeader(version, Origin.LOCAL, null, null, length);
    }

    static ProxyHeader unknown(int version, int length) {
        return new ProxyHeader(version, Origin.UNKNOWN, null, null, length);
    }

    /** The client the header names; empty when it names none, and the connection has no address to judge. */
    Optional<InetSocketAddress> client() {
        return Optional.ofNullable(source);
    }

    @Override
    public String toString() {
        String what = switch (origin) {
            case PROXIED -> "from " + SocketAddressText.of(source) + " to " + SocketAddressText.of(destination);
            case LOCAL -> "LOCAL (the proxy's own connection)";
            case UNKNOWN -> "UNKNOWN (no client address given)";
        };
        return "PROXY v" + version + " " + what + ", " + length + " bytes";
    }
}
