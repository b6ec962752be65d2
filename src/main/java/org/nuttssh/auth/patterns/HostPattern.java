package org.nuttssh.auth.patterns;

import org.nuttssh.net.IpAddress;

/** One element of a {@code from=} list, without its {@code !}. */
interface HostPattern {

    /**
     * @param address the client address, or null when the caller's text was not an IP literal
     * @param addressText the client address as text (canonical form when it is a literal)
     * @param hostName the verified client host name, or null when unknown
     */
    boolean matches(IpAddress address, String addressText, String hostName);

    /** Whether the outcome can change with the host name, i.e. whether a DNS lookup is worth doing. */
    boolean dependsOnHostName();
}
