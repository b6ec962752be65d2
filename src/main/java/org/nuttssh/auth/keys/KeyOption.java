package org.nuttssh.auth.keys;

/**
 * One option in front of a key, e.g. {@code from="10.0.0.0/8"}.
 *
 * @param name as written (compare case-insensitively)
 * @param value the unquoted value, or null for a bare flag such as {@code no-pty}
 */
record KeyOption(String name, String value) {
}
