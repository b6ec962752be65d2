package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The relay as a process: SIGTERM drains and exits 0, a second SIGTERM exits at once; with --log-format json every
 * log line is JSON and each circuit leaves one audit record with its fields.
 */
class ShutdownSignalTest {

    /** A JVM start plus the relay's; generous for a loaded machine. */
    private static final Duration START = Duration.ofSeconds(60);

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void prepare() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void sigtermLetsTheOpenCircuitFinishThenExitsZero() throws Exception {
        RelayProcess process = relay.startProcess(List.of("--log-format", "json", "--metrics-port", "0",
                "--metrics-bind", "127.0.0.1"), "access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        int metricsPort = process.metricsPort(START);
        SshProcess listener = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R",
                "22:localhost:" + echo.port(), "-l", "gw1", "relay-gw"));
        RelayFixture.await(listener, "the listener", () -> scrape(metricsPort, "nuttssh_listeners") == 1.0);
        SshProcess initiator = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = initiator.stdin();
        send(stdin, "before\n");
        RelayFixture.await(initiator, "the echo", () -> initiator.stdout().equals("echo\nbefore\n"));

        process.signal("TERM");

        RelayFixture.await("not ready", () -> status(metricsPort, "/health/ready") == 503);
        assertEquals(0.0, scrape(metricsPort, "nuttssh_registry_clients"), "names withdrawn at once");
        send(stdin, "after\n");
        RelayFixture.await(initiator, "the echo after SIGTERM", () -> initiator.stdout().endsWith("after\n"));
        assertTrue(process.isAlive(), "an open circuit holds the exit back");
        stdin.close();
        assertEquals(0, process.waitFor(RelayFixture.TIMEOUT), process.logText());

        List<JsonObject> records = process.logLines().stream().map(JsonObject::new).toList();
        JsonObject audit = records.stream()
                .filter(r -> r.getString("formattedMessage").startsWith("circuit closed: alice@"))
                .reduce((a, b) -> {
                    throw new AssertionError("one audit record per circuit: " + a + "\n" + b);
                }).orElseThrow(() -> new AssertionError("no audit record in " + records));
        JsonObject fields = new JsonObject();
        for (Object pair : audit.getJsonArray("kvpList", new JsonArray())) {
            fields.mergeIn((JsonObject) pair);
        }
        assertEquals("alice", fields.getString("initiator"));
        assertTrue(fields.getString("initiator_key").startsWith("SHA256:"), fields.encode());
        assertEquals("gw1", fields.getString("target"));
        assertEquals("22", fields.getValue("port").toString());
        assertEquals("13", fields.getValue("bytes_up").toString()); // "before\nafter\n"
        assertEquals("18", fields.getValue("bytes_down").toString()); // "echo\n" and the echo
        assertEquals(fields.getString("initiator_node"), fields.getString("target_node"));
        assertTrue(fields.containsKey("duration_ms") && fields.containsKey("close_reason"), fields.encode());
    }

    @Test
    void aSecondSigtermStopsAtOnce() throws Exception {
        RelayProcess process = relay.startProcess(List.of("--shutdown-grace", "600"),
                "access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        SshProcess listener = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R",
                "22:localhost:" + echo.port(), "-l", "gw1", "relay-gw"));
        RelayFixture.await(listener, "the listener", () -> listed("gw1"));
        SshProcess initiator = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        send(initiator.stdin(), "hold\n");
        RelayFixture.await(initiator, "the circuit", () -> initiator.stdout().equals("echo\nhold\n"));

        process.signal("TERM");
        RelayFixture.await("the drain to start", () -> logText(process).contains("shutting down: not accepting"));
        process.signal("TERM");

        assertEquals(128 + 15, process.waitFor(Duration.ofSeconds(10)), "no 600 s wait");
        assertTrue(process.logText().contains("SIGTERM again: stopping now"), process.logText());
        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT), "its clients lose the relay with it");
    }

    private boolean listed(String name) {
        try {
            return relay.run(relay.ssh("relay-alice", "list")).stdout().lines()
                    .anyMatch(line -> line.startsWith(name + " "));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static double scrape(int port, String sample) {
        try {
            return MetricsScrape.of(port).value(sample);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int status(int port, String path) {
        try {
            return MetricsScrape.get(port, path).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void send(OutputStream stdin, String text) throws Exception {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static String logText(RelayProcess process) {
        try {
            return process.logText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
