package org.nuttssh.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Turns the text of an authorized_keys file into entries. Pure: no I/O and no logging, so that every outcome can be
 * checked by tests and the caller decides how loudly to report problems.
 */
final class AuthorizedKeysParser {
    private AuthorizedKeysParser() {
    }

    static ParseResult parse(Path file, String text) {
        List<AuthorizedKey> keys = new ArrayList<>();
        List<LineProblem> warnings = new ArrayList<>();
        List<LineProblem> malformed = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // byte order mark left by some Windows editors
            }
            line = line.strip(); // also drops the '\r' of CRLF files
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNumber = i + 1;
            List<String> lineWarnings = new ArrayList<>();
            try {
                keys.add(entry(file, lineNumber, KeyLine.parse(line), lineWarnings));
                lineWarnings.forEach(w -> warnings.add(new LineProblem(file, lineNumber, w)));
            } catch (MalformedLineException e) {
                // Warnings about a skipped line would only distract from the reason it was skipped.
                malformed.add(new LineProblem(file, lineNumber, e.getMessage()));
            }
        }
        return new ParseResult(keys, warnings, malformed);
    }

    private static AuthorizedKey entry(Path file, int line, KeyLine parts, List<String> warnings)
            throws MalformedLineException {
        String unsupported = KeyTypes.unsupportedReason(parts.keyType());
        if (unsupported != null) {
            throw new MalformedLineException(unsupported);
        }
        PublicKey key = decode(parts.keyType(), parts.keyData());
        Set<Access> access = EnumSet.noneOf(Access.class);
        boolean sawAccess = false;
        List<HostPatternList> from = new ArrayList<>();
        String hostname = null;
        Set<String> aliases = new LinkedHashSet<>();
        for (KeyOption option : parts.options()) {
            switch (option.name().toLowerCase(Locale.ROOT)) {
                case "access" -> {
                    sawAccess = true;
                    for (String level : required(option).split(",", -1)) {
                        String trimmed = level.strip();
                        Access.parse(trimmed).ifPresentOrElse(access::add,
                                () -> warnings.add("unknown access level '" + trimmed + "' ignored"));
                    }
                }
                case "from" -> {
                    try {
                        from.add(HostPatternList.parse(required(option)));
                    } catch (IllegalArgumentException e) {
                        throw new MalformedLineException("from=\"" + option.value() + "\": " + e.getMessage());
                    }
                }
                case "hostname" -> {
                    String name = name(option);
                    if (hostname != null) {
                        throw new MalformedLineException("hostname= given twice (\"" + hostname + "\" and \"" + name
                                + "\"); a key has one host name, use alias= for more names");
                    }
                    hostname = name;
                }
                case "alias" -> aliases.add(name(option));
                default -> warnings.add("option '" + option.name() + "' is not supported; ignored");
            }
        }
        if (access.isEmpty()) {
            warnings.add(sawAccess
                    ? "key has no known access level; it may log in but can do nothing"
                    : "key has no access= option; it may log in but can do nothing");
        }
        return new AuthorizedKey(key, KeyUtils.getFingerPrint(key), access, from, hostname, List.copyOf(aliases),
                parts.comment(), file, line);
    }

    private static String required(KeyOption option) throws MalformedLineException {
        if (option.value() == null) {
            throw new MalformedLineException("option '" + option.name() + "' needs a value, e.g. "
                    + option.name().toLowerCase(Locale.ROOT) + "=\"...\"");
        }
        return option.value();
    }

    /** Names end up in "name:port" addresses and in listings, hence the forbidden characters. */
    private static String name(KeyOption option) throws MalformedLineException {
        String value = required(option);
        String label = option.name().toLowerCase(Locale.ROOT) + "=\"" + value + "\"";
        if (value.isEmpty()) {
            throw new MalformedLineException(label + ": name is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '~' || c == ':' || c == '/') {
                String shown = Character.isWhitespace(c) || Character.isISOControl(c)
                        ? String.format("U+%04X", (int) c) : "'" + c + "'";
                throw new MalformedLineException(label + ": name must not contain " + shown
                        + " (no whitespace, '~', ':' or '/')");
            }
        }
        return value;
    }

    private static PublicKey decode(String type, String data) throws MalformedLineException {
        PublicKey key;
        try {
            PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(type + " " + data);
            key = entry.resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Truncated or corrupt data surfaces as assorted runtime exceptions from MINA's decoders; any of them
            // must cost only this line, never the whole file.
            throw new MalformedLineException("invalid " + type + " key data: " + describe(e));
        }
        if (key == null) {
            throw new MalformedLineException("invalid " + type + " key data: no key decoded");
        }
        String actual = KeyUtils.getKeyType(key);
        if (!type.equals(actual)) {
            throw new MalformedLineException("the key data is a " + actual + " key but the line says " + type);
        }
        return key;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
