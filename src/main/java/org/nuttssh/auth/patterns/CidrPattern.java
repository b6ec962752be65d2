package org.nuttssh.auth.patterns;

import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/** A {@code from=} element that is an address or a CIDR block: it matches addresses only, never host names. */
record CidrPattern(CidrBlock block) implements HostPattern {

    @Override
    public boolean matches(IpAddress address, String addressText, String hostName) {
        return address != null && block.contains(address);
    }

    @Override
    public boolean dependsOnHostName() {
        return false;
    }

    @Override
    public String toString() {
        return block.toString();
    }
}
