package org.nuttssh.auth.dns;

/**
 * What is known of a client's host name when its {@code from=} lists are checked.
 *
 * @param name    the verified host name, or null
 * @param unknown the name could not be learned in time: the lookup is still under way, or could not be made. Globs
 *                that need a name then match as if the client had none, and a negated one ({@code !*.bad.org})
 *                vetoes as if it matched, so an unknown name never lets a client in that a known one would not
 */
public record HostName(String name, boolean unknown) {

    /** No name to match: --use-dns is off, no line needs one, or the address has no verified name. */
    public static final HostName NONE = new HostName(null, false);
    public static final HostName UNKNOWN = new HostName(null, true);

    public static HostName of(String name) {
        return name == null ? NONE : new HostName(name, false);
    }
}
