package org.nuttssh.admin;

import java.util.List;
import java.util.Optional;

import org.nuttssh.registry.ClientName;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.Sighting;
import org.nuttssh.text.Printable;

/**
 * What {@code list [-v | -c | --offline] [--json] [PATTERN]} asks for. {@code -v} adds per-client columns, {@code -c}
 * replaces the rows by a count per node, {@code --offline} lists the names seen lately and not connected now instead;
 * they do not combine, as each makes other rows. {@code --json} writes any of them for machines rather than people.
 * The pattern narrows any of them to the clients with a name (hostname or alias) matching it.
 *
 * @param pattern a {@code *}/{@code ?} glob, matched case-insensitively like the names themselves; null for every
 *                client
 */
record ListRequest(boolean verbose, boolean counts, boolean offline, boolean json, String pattern) {

    static final String VERBOSE = "-v";
    static final String COUNTS = "-c";
    static final String OFFLINE = "--offline";
    static final String JSON = "--json";
    /** The arguments in words, for messages. */
    static final String FORM = "list [-v | -c | --offline] [--json] [PATTERN]";
    private static final String PATTERN_RULE = "a name with * and ? wildcards, " + ClientName.RULE;

    /** The request, or why the arguments make none (a line for stderr, client text escaped). */
    static Parsed parse(List<String> args) {
        boolean verbose = false;
        boolean counts = false;
        boolean offline = false;
        boolean json = false;
        String pattern = null;
        for (String arg : args) {
            if (arg.equals(VERBOSE)) {
                verbose = true;
            } else if (arg.equals(COUNTS)) {
                counts = true;
            } else if (arg.equals(OFFLINE)) {
                offline = true;
            } else if (arg.equals(JSON)) {
                json = true;
            } else if (arg.startsWith("-")) {
                return Parsed.problem("unknown option '" + Printable.escape(arg) + "' (expected -v, -c, --offline or --json)");
            } else if (pattern != null) {
                return Parsed.problem("a second pattern '" + Printable.escape(arg) + "' after '"
                        + Printable.escape(pattern) + "' (expected one PATTERN)");
            } else {
                Optional<String> problem = patternProblem(arg);
                if (problem.isPresent()) {
                    return Parsed.problem("pattern '" + Printable.escape(arg) + "' " + problem.get()
                            + " (expected " + PATTERN_RULE + ")");
                }
                pattern = arg;
            }
        }
        if (verbose && counts) {
            return Parsed.problem("-v and -c do not combine: counts have no per-client columns (expected one of them)");
        }
        if (offline && (verbose || counts)) {
            return Parsed.problem("--offline does not combine with " + (verbose ? VERBOSE : COUNTS)
                    + ": it lists names not connected now (expected list --offline [--json] [PATTERN])");
        }
        return new Parsed(new ListRequest(verbose, counts, offline, json, pattern), null);
    }

    /** Wildcards stand for name characters, so a pattern is checked as the name it would be with them filled in. */
    private static Optional<String> patternProblem(String pattern) {
        return ClientName.problem(pattern.replace('*', 'x').replace('?', 'x'))
                .map(problem -> problem.substring(0, problem.indexOf(';')));
    }

    /** Whether this listing is asked for: every one without a pattern, else those with a name matching it. */
    boolean selects(Listing listing) {
        return selects(listing.record().names());
    }

    /** Whether this name gone is asked for, as {@link #selects(Listing)}. */
    boolean selects(Sighting sighting) {
        return selects(sighting.names());
    }

    private boolean selects(List<String> names) {
        return pattern == null || names.stream().anyMatch(name -> ClientName.matches(pattern, name));
    }

    /** The command as the permission message names it. */
    String command() {
        return verbose ? "list -v" : "list";
    }

    /** @param problem null when {@code request} was made */
    record Parsed(ListRequest request, String problem) {
        static Parsed problem(String why) {
            return new Parsed(null, "list: " + why + "\n");
        }
    }
}
