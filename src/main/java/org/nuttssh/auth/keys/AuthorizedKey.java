package org.nuttssh.auth.keys;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.nuttssh.auth.dns.HostName;
import org.nuttssh.auth.files.DisplayPath;
import org.nuttssh.auth.patterns.HostPatternList;
import org.nuttssh.registry.ClientName;

/**
 * One line of authorized_keys: a public key with the options Nuttssh understands.
 *
 * @param from one pattern list per {@code from=} option; a connection must match every one of them
 * @param hostname the client name to use instead of the SSH user name, or null
 * @param permits what names=, permitopen= and permitlisten= narrow
 * @param certAuthority {@code cert-authority}: the key is a CA's, and the line admits the user certificates it signed
 *                      (and never the CA key itself)
 * @param principals {@code principals=}: with cert-authority, one of these must be among a certificate's principals,
 *                   instead of the user name; empty when not given
 * @param comment the text after the key data, or "" when there is none
 * @param line 1-based line number in {@code file}
 */
public record AuthorizedKey(PublicKey key, String fingerprint, Set<Access> access, List<HostPatternList> from,
                            String hostname, List<String> aliases, Permits permits, boolean certAuthority,
                            List<String> principals, String comment, Path file, int line) {

    public AuthorizedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(permits, "permits");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(file, "file");
        EnumSet<Access> levels = EnumSet.noneOf(Access.class);
        levels.addAll(access);
        access = Collections.unmodifiableSet(levels);
        from = List.copyOf(from);
        aliases = List.copyOf(aliases);
        principals = List.copyOf(principals);
    }

    /** This line with only {@code kept} of its access levels, for a certificate that grants less than the line. */
    public AuthorizedKey narrowedTo(Set<Access> kept) {
        EnumSet<Access> levels = EnumSet.noneOf(Access.class);
        levels.addAll(access);
        levels.retainAll(kept);
        return new AuthorizedKey(key, fingerprint, levels, from, hostname, aliases, permits, certAuthority, principals,
                comment, file, line);
    }

    public boolean has(Access a) {
        return access.contains(a);
    }

    /** Whether this line gives {@code name}, in any case, as its hostname= or one of its alias=. */
    public boolean gives(String name) {
        return (hostname != null && ClientName.same(name, hostname))
                || aliases.stream().anyMatch(alias -> ClientName.same(name, alias));
    }

    /** Whether this and {@code other} are both cert-authority lines of one CA key. */
    public boolean sameAuthority(AuthorizedKey other) {
        return certAuthority && other.certAuthority && KeyUtils.compareKeys(key, other.key);
    }

    /** Whether the client passes every {@code from=} list of this line; true when there is none. */
    public boolean allowsFrom(String address, HostName host) {
        for (HostPatternList list : from) {
            if (!list.matches(address, host)) {
                return false;
            }
        }
        return true;
    }

    /** Whether some {@code from=} pattern could match a host name, so that resolving the client's name matters. */
    public boolean needsHostName() {
        return from.stream().anyMatch(HostPatternList::needsHostName);
    }

    /** The access levels as written in the file, e.g. "listen,initiate", or "none". */
    public String describeAccess() {
        return access.isEmpty() ? "none" : access.stream().map(Access::label).collect(Collectors.joining(","));
    }

    /** Where the line is, e.g. "./authorized_keys:3", for messages. */
    public String location() {
        return DisplayPath.of(file) + ":" + line;
    }

    @Override
    public String toString() {
        return "AuthorizedKey[" + location() + (certAuthority ? " cert-authority " : " ") + fingerprint
                + " access=" + describeAccess()
                + (hostname != null ? " hostname=" + hostname : "") + (aliases.isEmpty() ? "" : " aliases=" + aliases)
                + (from.isEmpty() ? "" : " from=" + from) + "]";
    }
}
