package org.nuttssh.proxy;

import java.nio.charset.StandardCharsets;

/**
 * Untrusted bytes put in single quotes for a one-line error message: printable ASCII as is, everything else escaped,
 * so that whatever a client sends cannot break or forge log lines.
 */
final class Quoted {
    /** Enough to recognise what was sent instead (an SSH version line, HTTP, TLS) without echoing a flood. */
    static final int PREVIEW_BYTES = 10;

    private static final int FIRST_PRINTABLE = 0x20;
    private static final int LAST_PRINTABLE = 0x7e;

    private Quoted() {
    }

    /** The first {@link #PREVIEW_BYTES} bytes, with {@code ...} when there are more. */
    static String preview(byte[] data, int offset, int length) {
        StringBuilder text = new StringBuilder("'");
        for (int i = 0; i < Math.min(length, PREVIEW_BYTES); i++) {
            append(text, data[offset + i] & 0xff);
        }
        return text.append(length > PREVIEW_BYTES ? "...'" : "'").toString();
    }

    /** A whole field of a v1 line, which is short by construction (the line is at most 107 bytes). */
    static String of(String field) {
        byte[] bytes = field.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder text = new StringBuilder("'");
        for (byte b : bytes) {
            append(text, b & 0xff);
        }
        return text.append('\'').toString();
    }

    private static void append(StringBuilder text, int b) {
        switch (b) {
            case '\r' -> text.append("\\r");
            case '\n' -> text.append("\\n");
            case '\'', '\\' -> text.append('\\').append((char) b);
            default -> {
                if (b >= FIRST_PRINTABLE && b <= LAST_PRINTABLE) {
                    text.append((char) b);
                } else {
                    text.append(String.format("\\x%02x", b));
                }
            }
        }
    }
}
