package org.nuttssh.auth.keys;

import java.util.List;

/**
 * What the parser made of a file.
 *
 * @param keys the usable lines, in file order
 * @param warnings things ignored on otherwise usable lines (unknown options, unknown access levels, ...)
 * @param malformed lines that were skipped entirely
 */
record ParseResult(List<AuthorizedKey> keys, List<LineProblem> warnings, List<LineProblem> malformed) {

    ParseResult {
        keys = List.copyOf(keys);
        warnings = List.copyOf(warnings);
        malformed = List.copyOf(malformed);
    }
}
