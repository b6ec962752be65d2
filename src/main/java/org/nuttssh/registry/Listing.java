package org.nuttssh.registry;

import java.util.List;

/**
 * One row of {@code list}: a listening client with the names that reach it right now.
 *
 * @param connectName  the hostname, with {@code ~N} when N newer clients share it
 * @param aliasNames   the aliases, each with its own {@code ~N}
 */
public record Listing(ListenerRecord record, String connectName, List<String> aliasNames) {
}
