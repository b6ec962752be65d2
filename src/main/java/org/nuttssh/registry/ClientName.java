package org.nuttssh.registry;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.nuttssh.text.Glob;

/**
 * What a client name may be: 1 to {@value #MAX_BYTES} bytes of ASCII letters, digits, {@code -}, {@code _} and
 * {@code .}. That covers every DNS host name, so a machine can go by its own, and keeps out what would make a name
 * ambiguous ({@code ~} is the {@code NAME~N} index, {@code :} the {@code NAME:PORT} separator, space the end of a
 * word) or unsafe to print. The rule holds for the SSH user name a listening client goes by, for {@code hostname=}
 * and {@code alias=}, and for the names initiators ask for.
 *
 * <p>Names are case-insensitive, as host names are in DNS and in OpenSSH (which lower-cases the host of
 * {@code ssh -J relay GW-Office} before it asks for {@code -W gw-office:22}): wherever two names are compared or a
 * name is looked up, it is in its {@link #fold folded} form; a name is kept and shown as it was written.
 */
public final class ClientName {

    /** The longest DNS name in text form; no real client needs more. */
    public static final int MAX_BYTES = 253;
    /** The rule in words, for messages. */
    public static final String RULE = "1-" + MAX_BYTES + " bytes of letters, digits, '-', '_' and '.'";

    private ClientName() {
    }

    /** Why {@code name} cannot be a client name, e.g. {@code "has ' ' at position 4; a name is ..."}; empty if it can. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("is empty; a name is " + RULE);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return Optional.of("is " + bytes + " bytes long; a name is " + RULE);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameChar(c)) {
                String shown = c > ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
                return Optional.of("has " + shown + " at position " + (i + 1) + "; a name is " + RULE);
            }
        }
        return Optional.empty();
    }

    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** The form names are compared and indexed in: {@code GW-Office} and {@code gw-office} are one name. */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code a} and {@code b} are the same name, whatever their case. */
    public static boolean same(String a, String b) {
        return fold(a).equals(fold(b));
    }

    /** Whether {@code name} matches the {@code *}/{@code ?} {@code pattern} ({@code names=}, {@code list PATTERN}). */
    public static boolean matches(String pattern, String name) {
        return Glob.matches(fold(pattern), fold(name));
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.';
    }
}
