package org.nuttssh.ssh;

import java.util.Optional;

/**
 * The bind host of a {@code tcpip-forward} request. No port is bound, but the relay keeps the string for the
 * listener's life and echoes it in every {@code forwarded-tcpip} open (OpenSSH drops the circuit otherwise), so it
 * must be what a host can be: at most {@value #MAX_BYTES} bytes of host-name and address characters, or empty
 * ({@code ssh -R '*:22:...'}).
 */
final class BindHost {

    /** The longest host name DNS allows, in text; any address or name a client binds to is shorter. */
    static final int MAX_BYTES = 255;
    /** Enough of a refused host to recognise it in the log, without echoing a flood. */
    private static final int SHOWN = 40;

    private BindHost() {
    }

    /** Why {@code host} is refused, or empty if it is fine. */
    static Optional<String> problem(String host) {
        String shown = host.length() <= SHOWN ? "'" + host + "'" : "'" + host.substring(0, SHOWN) + "...'";
        for (int i = 0; i < host.length(); i++) {
            if (!isHostChar(host.charAt(i))) {
                return Optional.of("bind host " + shown + " has a character at position " + (i + 1)
                        + " that no host name or address has");
            }
        }
        if (host.length() > MAX_BYTES) { // all ASCII by now: one byte per character
            return Optional.of("bind host " + shown + " is " + host.length() + " bytes long, more than the "
                    + MAX_BYTES + " of any host name");
        }
        return Optional.empty();
    }

    /** Letters, digits, {@code -._} of names, {@code :%} of IPv6 addresses and zones, {@code *} for any address. */
    private static boolean isHostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._:%*".indexOf(c) >= 0;
    }
}
