package org.nuttssh.net;

import java.util.Optional;

/**
 * An address range such as {@code 10.0.0.0/8}; a plain address is a block with a full-length prefix. Used for
 * {@code from=} patterns, for the proxies trusted to send PROXY headers, and for the source block connections are
 * counted by.
 */
public final class CidrBlock {
    /** Per-source limits count an IPv6 client by its /64: one subscriber or host usually has a whole /64. */
    static final int IPV6_SOURCE_PREFIX = 64;

    private final IpAddress network;
    private final int prefixLength;

    private CidrBlock(IpAddress network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    public static CidrBlock exactly(IpAddress address) {
        return new CidrBlock(address, address.bitLength());
    }

    /**
     * The block a client address counts in for per-source limits: the address itself for IPv4, its /64 for IPv6
     * (OpenSSH's PerSourceNetBlockSize set to 32:64). An IPv6 client can pick any address of its /64.
     */
    public static CidrBlock sourceOf(IpAddress address) {
        int prefix = address.bitLength() == 32 ? 32 : IPV6_SOURCE_PREFIX;
        return new CidrBlock(address.truncated(prefix), prefix);
    }

    /** Parses {@code address/prefix}. */
    public static CidrBlock parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': expected address/prefix-length");
        }
        String addressText = text.substring(0, slash);
        String prefixText = text.substring(slash + 1);
        Optional<IpAddress> parsed = IpAddress.parse(addressText);
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid CIDR '" + text + "': '" + addressText + "' is not an IPv4 or IPv6 address");
        }
        IpAddress network = parsed.get();
        int max = network.bitLength();
        int prefix = prefixLength(prefixText, max);
        if (prefix < 0) {
            throw new IllegalArgumentException(
                    "invalid CIDR '" + text + "': prefix length '" + prefixText + "' must be a number from 0 to "
                            + max);
        }
        for (int i = prefix; i < max; i++) {
            // OpenSSH refuses these too: 10.0.0.1/8 is almost always a typo for either 10.0.0.1 or 10.0.0.0/8.
            if (network.bit(i)) {
                throw new IllegalArgumentException("invalid CIDR '" + text + "': the address has bits set beyond the /"
                        + prefix + " prefix; write the network address, or the plain address for a single host");
            }
        }
        return new CidrBlock(network, prefix);
    }

    /** Parses {@code address/prefix}, or a plain address as the block of just that address. */
    public static CidrBlock parseBlockOrAddress(String text) {
        if (text.indexOf('/') >= 0) {
            return parse(text);
        }
        return IpAddress.parse(text).map(CidrBlock::exactly).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is neither an IPv4 or IPv6 address nor a CIDR block such as 10.0.0.0/8"));
    }

    private static int prefixLength(String text, int max) {
        if (text.isEmpty() || text.length() > 3) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    public boolean contains(IpAddress address) {
        if (!address.sameFamily(network)) {
            return false;
        }
        for (int i = 0; i < prefixLength; i++) {
            if (address.bit(i) != network.bit(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrBlock other && prefixLength == other.prefixLength && network.equals(other.network);
    }

    @Override
    public int hashCode() {
        return network.hashCode() * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return prefixLength == network.bitLength() ? network.toString() : network + "/" + prefixLength;
    }
}
