package org.nuttssh.auth;

import java.util.Locale;

import org.nuttssh.net.IpAddress;

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
        if (addressText != null && glob(pattern, addressText.toLowerCase(Locale.ROOT))) {
            return true;
        }
        return !addressOnly && hostName != null && glob(pattern, hostName.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean dependsOnHostName() {
        return !addressOnly;
    }

    /** Wildcard match; on a mismatch after a '*', retry with that '*' swallowing one more character. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starAt = -1;
        int starText = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starAt = p++;
                starText = t;
            } else if (starAt >= 0) {
                p = starAt + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
