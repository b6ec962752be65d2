package org.nuttssh.text;

/**
 * The {@code *}/{@code ?} wildcard match the relay uses wherever a person writes a pattern: host patterns in
 * {@code from=}, {@code names=} and {@code permitopen=} in authorized_keys, and {@code list PATTERN}. It compares
 * characters exactly; a caller that wants case-insensitive matching (DNS names, client names) lower-cases both sides
 * first.
 */
public final class Glob {

    private Glob() {
    }

    /**
     * Whether {@code text} matches {@code pattern} as a whole. On a mismatch after a {@code *}, the match is retried
     * with that {@code *} swallowing one more character, so the cost stays at most pattern length times text length.
     */
    public static boolean matches(String pattern, String text) {
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
}
