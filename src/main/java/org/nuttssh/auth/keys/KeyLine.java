package org.nuttssh.auth.keys;

import java.util.List;

/**
 * The textual parts of one non-comment line: options, key type, base64 key data and comment.
 *
 * <p>As in OpenSSH, a line has options exactly when its first word is not a key type.
 */
record KeyLine(List<KeyOption> options, String keyType, String keyData, String comment) {

    static KeyLine parse(String line) throws MalformedLineException {
        List<KeyOption> options = List.of();
        String rest = line;
        if (!KeyTypes.isKeyType(firstWord(line))) {
            OptionTokenizer.Options read = OptionTokenizer.read(line);
            options = read.options();
            rest = line.substring(read.end());
        }
        String[] parts = rest.strip().split("\\s+", 3);
        String type = parts[0];
        if (!KeyTypes.isKeyType(type)) {
            throw new MalformedLineException("expected a key type (" + KeyTypes.SUPPORTED_LIST
                    + ") after the options, found '" + shorten(type) + "'");
        }
        if (parts.length < 2) {
            throw new MalformedLineException("no key data after '" + type + "'");
        }
        return new KeyLine(options, type, parts[1], parts.length == 3 ? parts[2] : "");
    }

    private static String firstWord(String line) {
        int end = 0;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        return line.substring(0, end);
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
