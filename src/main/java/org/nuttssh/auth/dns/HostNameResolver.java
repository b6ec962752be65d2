package org.nuttssh.auth.dns;

import java.util.Optional;

import org.nuttssh.net.IpAddress;

/** Finds a trustworthy host name for a client address; blocking, so only ever called off the I/O threads. */
public interface HostNameResolver {

    /** The lower-case host name of {@code address}, or empty when there is none that can be trusted. */
    Optional<String> verifiedName(IpAddress address);
}
