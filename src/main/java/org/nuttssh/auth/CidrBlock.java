package org.nuttssh.auth;

import java.util.Optional;

import org.nuttssh.net.IpAddress;

/** An address range such as {@code 10.0.0.0/8}; a plain address is a block with a full-length prefix. */
final class CidrBlock implements HostPattern {
    private final IpAddress network;
    private final int prefixLength;

    private CidrBlock(IpAddress network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    static CidrBlock exactly(IpAddress address) {
        return new CidrBlock(address, address.bitLength());
    }

    /** Parses {@code address/prefix}. */
    static CidrBlock parse(String text) {
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

    boolean contains(IpAddress address) {
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
    public boolean matches(IpAddress address, String addressText, String hostName) {
        return address != null && contains(address);
    }

    @Override
    public boolean dependsOnHostName() {
        return false;
    }

    @Override
    public String toString() {
        return prefixLength == network.bitLength() ? network.toString() : network + "/" + prefixLength;
    }
}
