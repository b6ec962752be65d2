package org.nuttssh.auth.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import org.nuttssh.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverse DNS with forward confirmation, like OpenSSH's UseDNS: whoever controls the reverse zone of an address can
 * make its PTR record say anything, so a name counts only if it resolves back to the same address.
 */
public final class ReverseDns implements HostNameResolver {
    private static final Logger log = LoggerFactory.getLogger(ReverseDns.class);

    @Override
    public Optional<String> verifiedName(IpAddress address) {
        String name = address.toInetAddress().getCanonicalHostName();
        if (name == null || name.isEmpty() || IpAddress.parse(name).isPresent()) {
            // No PTR record (Java then returns the literal), or a PTR record posing as an address.
            return Optional.empty();
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            for (InetAddress forward : InetAddress.getAllByName(name)) {
                if (IpAddress.of(forward).equals(address)) {
                    return Optional.of(name);
                }
            }
        } catch (UnknownHostException e) {
            log.warn("reverse DNS of {} gives {}, which does not resolve; ignoring the name", address, name);
            return Optional.empty();
        }
        log.warn("reverse DNS of {} gives {}, which does not resolve back to {}; ignoring the name", address, name,
                address);
        return Optional.empty();
    }
}
