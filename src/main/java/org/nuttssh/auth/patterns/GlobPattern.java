package org.nuttssh.auth.patterns;

import java.util.Locale;

import org.nuttssh.net.IpAddress;
import org.nuttssh.text.Glob;

/**
 * A {@code *}/{@code ?} wildcard pattern, matched case-insensitively (DNS names are case-insensitive).
 *
 * <p>A pattern made only of digits, dots, colons and wildcards (e.g. {@code 192.168.?.1}, {@code 2001:db8:*}) is
 * clearly meant for addresses; it is matched against the address text only. That keeps such patterns from needing a
 * DNS lookup and from matching a host name that merely starts with digits.
 */
final class GlobPattern implements HostPattern {
    private final String pattern;
    private final boolean addressOnly;

    GlobPattern(String pattern) {
        this.pattern = pattern.toLowerCase(Locale.ROOT);
        this.addressOnly = looksLikeAddress(pattern);
    }

    private static boolean looksLikeAddress(String pattern) {
        if (pattern.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '*' && c != '?') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean matches(IpAddress address, String addressText, String hostName) {
        if (addressText != null && Glob.matches(pattern, addressText.toLowerCase(Locale.ROOT))) {
            return true;
        }
        return !addressOnly && hostName != null && Glob.matches(pattern, hostName.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean dependsOnHostName() {
        return !addressOnly;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
