package org.nuttssh.text;

/**
 * Text a client chose (a user name, a bind host, a command line) made safe to print: to a log line or to another
 * user's terminal. Control characters become {@code \xNN}, so that a newline cannot start a forged log line and an
 * escape sequence cannot reach a terminal; Unicode line separators and invisible formatting characters (such as
 * the bidirectional overrides that make text read backwards) become {@code \\uNNNN}. Everything else, including
 * non-ASCII letters, is kept as it is.
 */
public final class Printable {

    private static final char DELETE = 0x7f;
    /** C1 control characters, the second block of controls, end here. */
    private static final char LAST_C1_CONTROL = 0x9f;

    private Printable() {
    }

    /** {@code text} with every control or invisible formatting character escaped; null stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text; // the common case, without a copy
        }
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || (c >= DELETE && c <= LAST_C1_CONTROL)) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (isInvisible(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || (c >= DELETE && c <= LAST_C1_CONTROL) || isInvisible(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT;
    }
}
