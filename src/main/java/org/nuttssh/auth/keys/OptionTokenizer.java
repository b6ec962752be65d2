package org.nuttssh.auth.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the options in front of a key, OpenSSH style: {@code name} or {@code name="value"}, separated by commas,
 * ended by the first unquoted whitespace. Values may hold commas and spaces; {@code \"} stands for a quote.
 *
 * <p>Written here rather than using MINA's AuthorizedKeyEntry because that one merges repeated options into one
 * comma-joined value, which would turn two {@code from=} lists (both must match) into one (either may match).
 */
final class OptionTokenizer {
    private final String line;
    private int pos;

    private OptionTokenizer(String line) {
        this.line = line;
    }

    record Options(List<KeyOption> options, int end) {
    }

    /** Reads the options at the start of {@code line}; {@code end} is the index just past them. */
    static Options read(String line) throws MalformedLineException {
        OptionTokenizer tokenizer = new OptionTokenizer(line);
        List<KeyOption> options = tokenizer.readAll();
        return new Options(List.copyOf(options), tokenizer.pos);
    }

    private List<KeyOption> readAll() throws MalformedLineException {
        List<KeyOption> options = new ArrayList<>();
        while (true) {
            options.add(readOne());
            if (pos >= line.length()) {
                throw new MalformedLineException("options but no key after them");
            }
            char c = line.charAt(pos);
            if (Character.isWhitespace(c)) {
                return options;
            }
            if (c != ',') {
                throw new MalformedLineException("unexpected '" + c + "' at column " + (pos + 1) + " after option '"
                        + options.get(options.size() - 1).name() + "'; separate options with commas");
            }
            pos++;
        }
    }

    private KeyOption readOne() throws MalformedLineException {
        int start = pos;
        while (pos < line.length() && isNameChar(line.charAt(pos))) {
            pos++;
        }
        String name = line.substring(start, pos);
        if (name.isEmpty()) {
            String found = pos < line.length() ? "'" + line.charAt(pos) + "'" : "end of line";
            throw new MalformedLineException("expected an option name or a key type at column " + (start + 1)
                    + ", found " + found + " (key types: " + KeyTypes.SUPPORTED_LIST + ")");
        }
        if (pos >= line.length() || line.charAt(pos) != '=') {
            return new KeyOption(name, null);
        }
        pos++;
        if (pos >= line.length() || line.charAt(pos) != '"') {
            throw new MalformedLineException("value of option '" + name + "' must be in double quotes, e.g. "
                    + name + "=\"...\"");
        }
        int quoteColumn = pos + 1;
        pos++;
        StringBuilder value = new StringBuilder();
        while (pos < line.length()) {
            char c = line.charAt(pos);
            if (c == '"') {
                pos++;
                return new KeyOption(name, value.toString());
            }
            if (c == '\\' && pos + 1 < line.length() && line.charAt(pos + 1) == '"') {
                pos++;
                c = '"';
            }
            value.append(c);
            pos++;
        }
        throw new MalformedLineException("unterminated quote in option '" + name + "' (opened at column "
                + quoteColumn + ")");
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '@' || c == '.';
    }
}
