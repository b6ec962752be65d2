package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.MetricsConfig;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code list --offline} on a node alone, run by stock OpenSSH: a listening client that disconnected is listed with
 * when it was last seen, in text and JSON, narrowed by {@code permitopen=} like {@code list}; and the counts reach
 * /metrics.
 */
class OfflineTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
        relay.configure(c -> c.metrics(new MetricsConfig(MetricsConfig.DEFAULT_BIND, 0)));
        relay.start("access=\"listen\",alias=\"door\" {gwa}", "access=\"listen\" {gw}",
                "access=\"initiate\",permitopen=\"gw-a:22\" {support}", "access=\"initiate\" {alice}");
    }

    @Test
    void aClientThatLeftIsListedWithWhenItWasLastSeen() throws Exception {
        SshProcess gwA = relay.listener("gwa", "GW-A", "gw-a", "22:localhost:" + echo.port(),
                "5900:localhost:" + echo.port());
        SshProcess gwB = relay.listener("gw", "gw-b", "gw-b", "22:localhost:" + echo.port());
        relay.listener("gw", "gw-c", "gw-c", "22:localhost:" + echo.port());
        assertEquals("no names offline\n", relay.run(relay.ssh("relay-alice", "list", "--offline")).stdout());

        Instant before = Instant.now().minusSeconds(1);
        gwA.close();
        gwB.close();
        relay.awaitGone("gw-a");
        relay.awaitGone("gw-b");
        Instant after = Instant.now().plusSeconds(1);

        SshProcess text = relay.run(relay.ssh("relay-alice", "list", "--offline"));
        assertEquals(0, text.process().exitValue(), text.stderr());
        List<String> lines = text.stdout().lines().toList();
        assertEquals(3, lines.size(), text.stdout());
        assertTrue(lines.get(0).matches("NAME +ADDRESS +ALIASES +PORTS +NODE +LAST-SEEN"), text.stdout());
        String node = relay.server().nodeId().shortId();
        assertTrue(lines.get(1).matches("GW-A +127\\.0\\.0\\.1:\\d+ +door +22,5900 +" + node
                + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), text.stdout());
        assertTrue(lines.get(2).startsWith("gw-b "), text.stdout());

        JsonArray rows = new JsonArray(relay.run(relay.ssh("relay-alice", "list", "--offline", "--json")).stdout());
        assertEquals(2, rows.size(), rows.encode());
        JsonObject row = rows.getJsonObject(0);
        assertEquals(List.of("GW-A", List.of("door"), List.of(22, 5900), node), List.of(row.getString("name"),
                row.getJsonArray("aliases").getList(), row.getJsonArray("ports").getList(), row.getString("node")));
        Instant lastSeen = Instant.parse(row.getString("last_seen"));
        assertTrue(!lastSeen.isBefore(before.minusSeconds(1)) && lastSeen.isBefore(after), row.encode());

        JsonArray narrowed = new JsonArray(relay.run(relay.ssh("relay-support", "list", "--offline", "--json"))
                .stdout());
        assertEquals(1, narrowed.size(), narrowed.encode());
        assertEquals(List.of("GW-A", List.of(), List.of(22)), List.of(narrowed.getJsonObject(0).getString("name"),
                narrowed.getJsonObject(0).getJsonArray("aliases").getList(),
                narrowed.getJsonObject(0).getJsonArray("ports").getList()));
        assertEquals("[]\n", relay.run(relay.ssh("relay-alice", "list", "--offline", "--json", "gw-c")).stdout(),
                "gw-c is connected");
        assertEquals(1, new JsonArray(relay.run(relay.ssh("relay-alice", "list", "--offline", "--json", "DOOR"))
                .stdout()).size(), "a pattern matches aliases too");

        MetricsScrape metrics = MetricsScrape.of(relay.server().metricsPort());
        assertEquals(3.0, metrics.value("nuttssh_presence_connects_total"));
        assertEquals(2.0, metrics.value("nuttssh_presence_disconnects_total"));
        assertEquals(2.0, metrics.value("nuttssh_presence_offline"));
        assertEquals(0.0, metrics.value("nuttssh_presence_unreadable_total"));
        assertTrue(metrics.samples().keySet().stream().noneMatch(sample -> sample.contains("gw-")),
                "no series names a client: " + metrics.text());

        relay.listener("gwa", "gw-a", "gw-a", "22:localhost:" + echo.port());
        assertEquals(List.of("gw-b"), new JsonArray(relay.run(relay.ssh("relay-alice", "list", "--offline",
                "--json")).stdout()).stream().map(r -> ((JsonObject) r).getString("name")).toList(), "back online");
    }

    @Test
    void offlineTakesOnlyJsonAndAPattern() throws Exception {
        SshProcess verbose = relay.run(relay.ssh("relay-alice", "list", "--offline", "-v"));
        assertEquals(2, verbose.process().exitValue());
        assertTrue(verbose.stderr().contains("list: --offline does not combine with -v"), verbose.stderr());
        SshProcess listenOnly = relay.run(relay.ssh("relay-gw", "list", "--offline"));
        assertEquals(1, listenOnly.process().exitValue());
        assertTrue(listenOnly.stderr().contains("Permission denied: 'list' needs"), listenOnly.stderr());
    }
}
