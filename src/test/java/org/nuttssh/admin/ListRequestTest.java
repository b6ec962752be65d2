package org.nuttssh.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Records;

/** {@code list [-v | -c | --offline] [--json] [PATTERN]}: what each argument list asks for, or the usage error it gets. */
class ListRequestTest {

    private static final NodeId NODE_A = new NodeId("aaaa-1");
    private static final NodeId NODE_B = new NodeId("bbbb-1");

    @ParameterizedTest(name = "[{index}] list {0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "''            | false | false | false | false | null",
            "-v            | true  | false | false | false | null",
            "-c            | false | true  | false | false | null",
            "gw-*          | false | false | false | false | gw-*",
            "-c gw-*       | false | true  | false | false | gw-*",
            "gw-? -v       | true  | false | false | false | gw-?",
            "-c -c         | false | true  | false | false | null",
            "*             | false | false | false | false | *",
            "--json        | false | false | false | true  | null",
            "-c --json gw* | false | true  | false | true  | gw*",
            "--json -v     | true  | false | false | true  | null",
            "--offline     | false | false | true  | false | null",
            "--json --offline gw* | false | false | true | true | gw*",
    })
    void argumentsMakeARequest(String line, boolean verbose, boolean counts, boolean offline, boolean json,
                               String pattern) {
        ListRequest.Parsed parsed = ListRequest.parse(words(line));
        assertNull(parsed.problem());
        assertEquals(new ListRequest(verbose, counts, offline, json, pattern), parsed.request());
    }

    @ParameterizedTest(name = "[{index}] list {0}")
    @CsvSource(delimiter = '|', value = {
            "-x         | list: unknown option '-x' (expected -v, -c, --offline or --json)",
            "-cv        | list: unknown option '-cv' (expected -v, -c, --offline or --json)",
            "--JSON     | list: unknown option '--JSON' (expected -v, -c, --offline or --json)",
            "-c -v      | list: -v and -c do not combine: counts have no per-client columns (expected one of them)",
            "--offline -v | list: --offline does not combine with -v: it lists names not connected now (expected list "
                    + "--offline [--json] [PATTERN])",
            "-c --offline | list: --offline does not combine with -c: it lists names not connected now (expected list "
                    + "--offline [--json] [PATTERN])",
            "gw-* db-*  | list: a second pattern 'db-*' after 'gw-*' (expected one PATTERN)",
            "gw/*       | list: pattern 'gw/*' has '/' at position 3 (expected a name with * and ? wildcards, "
                    + "1-253 bytes of letters, digits, '-', '_' and '.')",
            "gw~1       | list: pattern 'gw~1' has '~' at position 3 (expected a name with * and ? wildcards, "
                    + "1-253 bytes of letters, digits, '-', '_' and '.')",
    })
    void badArgumentsGetASpecificUsageError(String line, String problem) {
        ListRequest.Parsed parsed = ListRequest.parse(words(line));
        assertNull(parsed.request());
        assertEquals(problem + "\n", parsed.problem());
    }

    @Test
    void clientTextInAnErrorIsEscaped() {
        assertEquals("list: pattern 'gw\\x1b[2J' has U+001B at position 3 (expected a name with * and ? wildcards, "
                        + "1-253 bytes of letters, digits, '-', '_' and '.')\n",
                ListRequest.parse(List.of("gw\u001b[2J")).problem());
        assertEquals("list: unknown option '-\\x0a' (expected -v, -c, --offline or --json)\n",
                ListRequest.parse(List.of("-\n")).problem());
        assertEquals("list: pattern '' is empty (expected a name with * and ? wildcards, "
                + "1-253 bytes of letters, digits, '-', '_' and '.')\n", ListRequest.parse(List.of("")).problem());
    }

    @Test
    void aPatternSelectsClientsByHostnameOrAliasInAnyCase() {
        ListenerRecord gw = record("c1", NODE_A, "gw-1", List.of("office"));
        ListenerRecord db = record("c2", NODE_B, "db-1", List.of("gw-backup"));
        ListenerRecord other = record("c3", NODE_A, "GW-2", List.of());
        List<Listing> listings = List.of(listing(gw), listing(db), listing(other));

        assertEquals(List.of("gw-1", "db-1", "GW-2"), select("gw-*", listings));
        assertEquals(List.of("gw-1"), select("OFF?CE", listings));
        assertEquals(List.of("gw-1", "db-1", "GW-2"), select("GW-*", listings));
        assertEquals(List.of("GW-2"), select("gw-2", listings));
        assertEquals(List.of(), select("gw", listings));
        assertEquals(List.of("gw-1", "db-1", "GW-2"), select(null, listings));
    }

    @Test
    void countsHaveARowPerNodeAndATotal() {
        NodeId idle = new NodeId("cccc-1");
        List<Listing> listings = List.of(
                listing(record("c1", NODE_A, "gw-1", List.of())),
                listing(record("c2", NODE_B, "gw-2", List.of())),
                listing(record("c3", NODE_A, "gw-3", List.of())));

        assertEquals("""
                NODE   CLIENTS  RELEASE
                aaaa   2        0.2.0
                bbbb   1        ?
                cccc   0        0.1
                total  3
                """, CountTable.render(listings, view(Map.of(idle, "0.1", NODE_A, "0.2.0"))));
        assertEquals("""
                NODE   CLIENTS  RELEASE
                aaaa   0        0.2.0
                total  0
                """, CountTable.render(List.of(), view(Map.of(NODE_A, "0.2.0"))));
    }

    /** The members with their releases, as a cluster node sees them. */
    private static ClusterView view(Map<NodeId, String> releases) {
        return new ClusterView(NODE_A, List.copyOf(releases.keySet()), 0, 0, 0, 0, false, ClusterView.Upkeep.NONE,
                releases);
    }

    private static List<String> select(String pattern, List<Listing> listings) {
        ListRequest request = new ListRequest(false, false, false, false, pattern);
        return listings.stream().filter(request::selects).map(listing -> listing.record().hostname()).toList();
    }

    private static List<String> words(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split(" +"));
    }

    private static ListenerRecord record(String id, NodeId node, String hostname, List<String> aliases) {
        return Records.listener(id, node, hostname).aliases(aliases).build();
    }

    private static Listing listing(ListenerRecord record) {
        return new Listing(record, record.hostname(), record.aliases());
    }
}
