package org.nuttssh.auth.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.nuttssh.net.Ports;
import org.nuttssh.registry.ClientName;
import org.nuttssh.text.Glob;

/**
 * One entry of {@code permitopen="NAME:PORT,..."} or {@code permitlisten="[HOST:]PORT,..."}, with OpenSSH's meaning
 * put in the relay's terms: permitopen names the listening clients (and ports) an initiator may reach, literally,
 * without patterns, in any case like every name; permitlisten the virtual ports a listening client may register, optionally with a pattern for
 * the bind host its {@code ssh -R} sends ({@code localhost} when none is given). {@code *} as the port means any.
 *
 * @param host the client name (permitopen), a {@code *}/{@code ?} pattern (permitlisten), or null for any host
 * @param port a port from 1 to 65535, or {@link #ANY_PORT}
 */
public record ForwardPermit(String host, int port) {

    static final int ANY_PORT = -1;

    /** Whether an initiator may open a circuit to the client called {@code name} on {@code toPort}. */
    boolean allowsOpen(String name, int toPort) {
        return ClientName.same(host, name) && allowsPort(toPort);
    }

    /** Whether a listening client may register {@code onPort} with the bind host it sent. */
    boolean allowsListen(String bindHost, int onPort) {
        boolean hostMatches = host == null
                || Glob.matches(host.toLowerCase(Locale.ROOT), bindHost.toLowerCase(Locale.ROOT));
        return hostMatches && allowsPort(onPort);
    }

    private boolean allowsPort(int candidate) {
        return port == ANY_PORT || port == candidate;
    }

    /** {@code permitopen}'s value: comma-separated {@code NAME:PORT}, each name a literal client name. */
    static List<ForwardPermit> parseOpen(String value) throws MalformedLineException {
        List<ForwardPermit> permits = new ArrayList<>();
        for (String item : items("permitopen", value)) {
            int colon = item.lastIndexOf(':');
            if (colon < 0) {
                throw new MalformedLineException("permitopen=\"" + value + "\": '" + item
                        + "' has no port; write NAME:PORT or NAME:* (the name of a listening client)");
            }
            String name = item.substring(0, colon);
            Optional<String> problem = ClientName.problem(name);
            if (problem.isPresent()) {
                throw new MalformedLineException("permitopen=\"" + value + "\": the name '" + name + "' "
                        + problem.get() + " (no patterns: OpenSSH's permitopen takes names literally too)");
            }
            permits.add(new ForwardPermit(name, port("permitopen", value, item.substring(colon + 1))));
        }
        return permits;
    }

    /** {@code permitlisten}'s value: comma-separated {@code [HOST:]PORT}, HOST a pattern, IPv6 in brackets. */
    static List<ForwardPermit> parseListen(String value) throws MalformedLineException {
        List<ForwardPermit> permits = new ArrayList<>();
        for (String item : items("permitlisten", value)) {
            String host = null;
            String port = item;
            int colon = item.lastIndexOf(':');
            if (colon >= 0) {
                host = item.substring(0, colon);
                port = item.substring(colon + 1);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (host.isEmpty() || !host.chars().allMatch(ForwardPermit::isHostPatternChar)) {
                    throw new MalformedLineException("permitlisten=\"" + value + "\": '" + item
                            + "' is not [HOST:]PORT (HOST a host name, an address in brackets or a */? pattern)");
                }
            }
            permits.add(new ForwardPermit(host, port("permitlisten", value, port)));
        }
        return permits;
    }

    private static String[] items(String option, String value) throws MalformedLineException {
        String[] items = value.split(",", -1);
        for (String item : items) {
            if (item.isBlank()) {
                throw new MalformedLineException(option + "=\"" + value + "\": empty entry; separate entries with"
                        + " single commas");
            }
        }
        return items;
    }

    private static int port(String option, String value, String text) throws MalformedLineException {
        if (text.equals("*")) {
            return ANY_PORT;
        }
        int port = text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9') || text.isEmpty()
                ? 0 : Integer.parseInt(text);
        if (port < 1 || port > Ports.MAX) {
            throw new MalformedLineException(option + "=\"" + value + "\": port '" + text + "' is not 1-" + Ports.MAX
                    + " or *");
        }
        return port;
    }

    private static boolean isHostPatternChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._:*?%".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        String portText = port == ANY_PORT ? "*" : String.valueOf(port);
        return host == null ? portText : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + portText;
    }
}
