package org.nuttssh.auth.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.nuttssh.auth.files.DisplayPath;
import org.nuttssh.auth.patterns.HostPatternList;
import org.nuttssh.registry.ClientName;

/**
 * Turns the text of an authorized_keys file into entries. Pure: no I/O and no logging, so that every outcome can be
 * checked by tests and the caller decides how loudly to report problems.
 */
final class AuthorizedKeysParser {

    /** The options this relay gives a meaning to. */
    static final List<String> KNOWN = List.of("access", "from", "hostname", "alias", "names", "permitopen",
            "permitlisten", "cert-authority", "principals");
    /**
     * OpenSSH options about what a login shell may do (terminals, commands, environment, agent and X11 forwarding,
     * tun devices, FIDO touch): a relay runs no shell, so they neither grant nor take away anything here. The
     * forwarding flags are in the list too: on a relay, forwarding is all there is, and access= governs it.
     */
    private static final Set<String> NOT_APPLYING = Set.of("no-pty", "pty", "command", "environment",
            "no-agent-forwarding", "agent-forwarding", "no-x11-forwarding", "x11-forwarding", "no-user-rc", "user-rc",
            "no-port-forwarding", "port-forwarding", "restrict", "tunnel", "no-touch-required", "verify-required");
    /** OpenSSH restrictions the relay cannot honour: ignoring them would let the key in more widely. */
    private static final Set<String> NOT_ENFORCEABLE = Set.of("expiry-time");

    private AuthorizedKeysParser() {
    }

    /** A name a usable line gives by hostname= or alias=, as that line writes it. */
    private record GivenName(String option, String spelling, int line) {
    }

    static ParseResult parse(Path file, String text) {
        List<AuthorizedKey> keys = new ArrayList<>();
        List<LineProblem> warnings = new ArrayList<>();
        List<LineProblem> malformed = new ArrayList<>();
        Map<String, GivenName> givenNames = new HashMap<>();
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
                AuthorizedKey key = entry(file, lineNumber, KeyLine.parse(line), lineWarnings);
                claimNames(key, givenNames);
                keys.add(key);
                lineWarnings.forEach(w -> warnings.add(new LineProblem(file, lineNumber, w)));
            } catch (MalformedLineException e) {
                // Warnings about a skipped line would only distract from the reason it was skipped.
                malformed.add(new LineProblem(file, lineNumber, e.getMessage()));
            }
        }
        return new ParseResult(keys, warnings, malformed);
    }

    /**
     * Records the names {@code key} gives, unless it or an earlier line gives one of them spelt in another case: names
     * compare case-insensitively, so {@code GW-Office} and {@code gw-office} are one name, and two spellings of it are
     * a mistake to fix rather than a choice for the relay to guess at. Lines giving the same spelling share the name,
     * as before.
     */
    private static void claimNames(AuthorizedKey key, Map<String, GivenName> givenNames)
            throws MalformedLineException {
        List<GivenName> given = new ArrayList<>();
        if (key.hostname() != null) {
            given.add(new GivenName("hostname", key.hostname(), key.line()));
        }
        key.aliases().forEach(alias -> given.add(new GivenName("alias", alias, key.line())));
        Map<String, GivenName> claimed = new HashMap<>();
        for (GivenName name : given) {
            String folded = ClientName.fold(name.spelling());
            GivenName earlier = claimed.getOrDefault(folded, givenNames.get(folded));
            if (earlier != null && !earlier.spelling().equals(name.spelling())) {
                String where = earlier.line() == key.line() ? "on the same line"
                        : "of " + DisplayPath.of(key.file()) + ":" + earlier.line();
                throw new MalformedLineException(name.option() + "=\"" + name.spelling() + "\" differs only in case"
                        + " from " + earlier.option() + "=\"" + earlier.spelling() + "\" " + where + "; names are"
                        + " case-insensitive, so write a name the same way wherever it is given");
            }
            claimed.putIfAbsent(folded, name);
        }
        claimed.forEach(givenNames::putIfAbsent);
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
        List<String> names = new ArrayList<>();
        List<ForwardPermit> permitOpen = new ArrayList<>();
        List<ForwardPermit> permitListen = new ArrayList<>();
        boolean certAuthority = false;
        List<String> principals = new ArrayList<>();
        for (KeyOption option : parts.options()) {
            String optionName = option.name().toLowerCase(Locale.ROOT);
            switch (optionName) {
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
                case "names" -> names.addAll(namePatterns(option));
                case "permitopen" -> permitOpen.addAll(ForwardPermit.parseOpen(required(option)));
                case "permitlisten" -> permitListen.addAll(ForwardPermit.parseListen(required(option)));
                case "cert-authority" -> certAuthority = flag(option);
                case "principals" -> principals.addAll(principals(option));
                default -> warnings.add(notApplying(option));
            }
        }
        if (certAuthority && (hostname != null || !aliases.isEmpty())) {
            throw new MalformedLineException("hostname= and alias= cannot be used with cert-authority: they would give"
                    + " every certificate the CA signs the same name (the certificate's principal is the name; use"
                    + " names= to bound which ones the CA may grant)");
        }
        if (!principals.isEmpty() && !certAuthority) {
            throw new MalformedLineException("principals= applies only to cert-authority lines");
        }
        Permits permits = new Permits(names, permitOpen, permitListen);
        for (String given : hostname == null ? aliases : concat(hostname, aliases)) {
            if (!permits.mayListenAs(given)) {
                throw new MalformedLineException("the line gives the name '" + given + "', which its "
                        + permits.describeNames() + " does not allow");
            }
        }
        if (access.isEmpty()) {
            warnings.add(sawAccess
                    ? "key has no known access level; it may log in but can do nothing"
                    : "key has no access= option; it may log in but can do nothing");
        }
        return new AuthorizedKey(key, KeyUtils.getFingerPrint(key), access, from, hostname, List.copyOf(aliases),
                permits, certAuthority, principals, parts.comment(), file, line);
    }

    /**
     * The note for an OpenSSH option that has no meaning on a relay; any other option makes the line invalid, as in
     * OpenSSH: a typo such as {@code form=} for {@code from=} must not let a key in without its restriction.
     */
    private static String notApplying(KeyOption option) throws MalformedLineException {
        String optionName = option.name().toLowerCase(Locale.ROOT);
        if (NOT_APPLYING.contains(optionName)) {
            return "option '" + option.name() + "' does not apply to a relay; ignored (access=, permitopen= and"
                    + " permitlisten= decide what a key may do)";
        }
        if (NOT_ENFORCEABLE.contains(optionName)) {
            throw new MalformedLineException("option '" + option.name() + "' is not supported: the relay cannot"
                    + " enforce it, and a key without its restriction would be let in more widely than written");
        }
        String known = KNOWN.stream().filter(candidate -> closeTo(optionName, candidate)).findFirst()
                .map(candidate -> " (did you mean '" + candidate + "'?)").orElse("");
        throw new MalformedLineException("unknown option '" + option.name() + "'" + known + "; options are "
                + String.join(", ", KNOWN) + ", and OpenSSH's, which do not apply here");
    }

    /** Whether {@code a} is one typo away from {@code b}: a letter changed, added or dropped, or two swapped. */
    static boolean closeTo(String a, String b) {
        if (a.equals(b) || Math.abs(a.length() - b.length()) > 1) {
            return false;
        }
        int same = 0;
        while (same < Math.min(a.length(), b.length()) && a.charAt(same) == b.charAt(same)) {
            same++;
        }
        if (a.length() == b.length()) {
            boolean swapped = same + 1 < a.length() && a.charAt(same) == b.charAt(same + 1)
                    && a.charAt(same + 1) == b.charAt(same) && a.substring(same + 2).equals(b.substring(same + 2));
            return swapped || a.substring(same + 1).equals(b.substring(same + 1));
        }
        String longer = a.length() > b.length() ? a : b;
        String shorter = longer == a ? b : a;
        return longer.substring(same + 1).equals(shorter.substring(same));
    }

    private static List<String> concat(String first, Set<String> rest) {
        List<String> all = new ArrayList<>(1 + rest.size());
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String required(KeyOption option) throws MalformedLineException {
        if (option.value() == null) {
            throw new MalformedLineException("option '" + option.name() + "' needs a value, e.g. "
                    + option.name().toLowerCase(Locale.ROOT) + "=\"...\"");
        }
        return option.value();
    }

    private static boolean flag(KeyOption option) throws MalformedLineException {
        if (option.value() != null) {
            throw new MalformedLineException("option '" + option.name() + "' takes no value (found \""
                    + option.value() + "\")");
        }
        return true;
    }

    /** principals=: comma-separated, compared literally with a certificate's principals (as OpenSSH does). */
    private static List<String> principals(KeyOption option) throws MalformedLineException {
        String value = required(option);
        List<String> listed = List.of(value.split(",", -1));
        if (listed.stream().anyMatch(String::isEmpty)) {
            throw new MalformedLineException("principals=\"" + value + "\": an empty principal (expected: names"
                    + " separated by single commas)");
        }
        return listed;
    }

    /** hostname= and alias= give names, which follow {@link ClientName}'s rule. */
    private static String name(KeyOption option) throws MalformedLineException {
        String value = required(option);
        Optional<String> problem = ClientName.problem(value);
        if (problem.isPresent()) {
            throw new MalformedLineException(option.name().toLowerCase(Locale.ROOT) + "=\"" + value + "\": the name "
                    + problem.get());
        }
        return value;
    }

    /** names=: comma-separated patterns, each made of name characters and the wildcards {@code *} and {@code ?}. */
    private static List<String> namePatterns(KeyOption option) throws MalformedLineException {
        String value = required(option);
        List<String> patterns = new ArrayList<>();
        for (String pattern : value.split(",", -1)) {
            String literal = pattern.replace("*", "").replace("?", "");
            boolean onlyWildcards = literal.isEmpty() && !pattern.isEmpty();
            if (!onlyWildcards && ClientName.problem(literal).isPresent()) {
                throw new MalformedLineException("names=\"" + value + "\": '" + pattern + "' is not a name pattern"
                        + " (" + ClientName.RULE + ", and the wildcards * and ?)");
            }
            patterns.add(pattern);
        }
        return patterns;
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
