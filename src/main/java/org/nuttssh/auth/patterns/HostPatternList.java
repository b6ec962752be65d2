package org.nuttssh.auth.patterns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nuttssh.auth.dns.HostName;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/**
 * The value of one {@code from="..."} option: comma-separated patterns with OpenSSH semantics.
 *
 * <p>Each pattern is a CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), a plain address, or a glob with
 * {@code *} and {@code ?} matched against the address text and, when known, the client's host name. A pattern
 * prefixed with {@code !} is a veto: if it matches, the whole list fails even if another pattern matches. The list
 * matches when at least one positive pattern matches and no negated one does, so a list of only negations matches
 * nothing, as in OpenSSH.
 */
public final class HostPatternList {
    private record Element(boolean negated, HostPattern pattern) {
    }

    private final String text;
    private final List<Element> elements;

    private HostPatternList(String text, List<Element> elements) {
        this.text = text;
        this.elements = elements;
    }

    /**
     * @throws IllegalArgumentException naming the offending pattern, e.g. an invalid CIDR or an empty element
     */
    public static HostPatternList parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new IllegalArgumentException("empty pattern list");
        }
        List<Element> elements = new ArrayList<>();
        for (String raw : commaSeparated.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty pattern in list '" + commaSeparated + "'");
            }
            boolean negated = item.charAt(0) == '!';
            String body = negated ? item.substring(1) : item;
            if (body.isEmpty()) {
                throw new IllegalArgumentException(
                        "'!' must be followed by a pattern in list '" + commaSeparated + "'");
            }
            elements.add(new Element(negated, pattern(body)));
        }
        return new HostPatternList(commaSeparated, List.copyOf(elements));
    }

    private static HostPattern pattern(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._:*?/".indexOf(c) >= 0;
            if (!allowed) {
                throw new IllegalArgumentException("invalid character '" + c + "' in pattern '" + body
                        + "'; expected a host name, an address, a CIDR block or a */? glob");
            }
        }
        if (body.indexOf('/') >= 0) {
            return new CidrPattern(CidrBlock.parse(body));
        }
        if (body.indexOf('*') >= 0 || body.indexOf('?') >= 0) {
            return new GlobPattern(body);
        }
        Optional<IpAddress> address = IpAddress.parse(body);
        if (address.isPresent()) {
            return new CidrPattern(CidrBlock.exactly(address.get()));
        }
        if (body.indexOf(':') >= 0 || body.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new IllegalArgumentException("invalid address '" + body + "'");
        }
        return new GlobPattern(body);
    }

    /**
     * @param address the client address as text; an IPv6 zone suffix such as {@code %eth0} is ignored
     * @param host    the client's host name as far as it is known; globs see only the address without one
     */
    public boolean matches(String address, HostName host) {
        String bare = address == null ? null : stripZone(address);
        IpAddress parsed = bare == null ? null : IpAddress.parse(bare).orElse(null);
        String addressText = parsed != null ? parsed.toString() : bare;
        boolean allowed = false;
        for (Element element : elements) {
            HostPattern pattern = element.pattern();
            boolean hit = pattern.matches(parsed, addressText, host.name());
            if (element.negated() && (hit || (host.unknown() && pattern.dependsOnHostName()))) {
                return false; // a veto that might hold once the name is known holds now
            }
            allowed |= hit;
        }
        return allowed;
    }

    private static String stripZone(String address) {
        int percent = address.indexOf('%');
        return percent >= 0 && address.indexOf(':') >= 0 ? address.substring(0, percent) : address;
    }

    /** Whether a host name could change the outcome, which is when a reverse DNS lookup is worth its cost. */
    public boolean needsHostName() {
        return elements.stream().anyMatch(e -> e.pattern().dependsOnHostName());
    }

    /** The list as written in the file. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPatternList other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
