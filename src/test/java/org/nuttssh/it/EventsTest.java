package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.nuttssh.admin.RelayCommand;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.MinaLogin;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code events} followed with stock OpenSSH: what a listening client and circuits do, as text and as JSON lines. */
class EventsTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    private final LogCapture commands = new LogCapture(RelayCommand.class);
    private TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.start(
                "access=\"listen\" {gw}",
                "access=\"initiate\" {alice}",
                "access=\"admin\" {root}");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @AfterEach
    void stopCapture() {
        commands.close();
    }

    @Test
    void jsonLinesTellConnectsCircuitsRefusalsAndDisconnects() throws Exception {
        SshProcess events = follow(relay, commands, "--json");
        SshProcess gw = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        JsonObject connected = awaitEvent(events, "connected", "gw1");
        assertEquals(List.of(22), connected.getJsonArray("ports").getList(), connected.encode());
        assertTrue(connected.getString("address").startsWith("127.0.0.1:"), connected.encode());
        assertEquals(relay.server().nodeId().shortId(), connected.getString("node"));
        assertTrue(Instant.parse(connected.getString("time")).isAfter(Instant.now().minusSeconds(60)));
        assertTrue(connected.getString("time").endsWith("Z"), connected.getString("time"));

        SshProcess circuit = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        RelayFixture.await(circuit, "the echo", () -> circuit.stdout().equals("echo\nhello\n"));
        JsonObject opened = awaitEvent(events, "circuit-opened", "gw1");
        assertEquals(22, opened.getInteger("port"));
        assertEquals("alice", opened.getString("initiator"));
        stdin.close();
        circuit.waitFor(RelayFixture.TIMEOUT);
        JsonObject closed = awaitEvent(events, "circuit-closed", "gw1");
        assertEquals(6, closed.getLong("bytes_up"), closed.encode());
        assertEquals(11, closed.getLong("bytes_down"), closed.encode());

        SshProcess refused = relay.run(relay.ssh("-W", "nosuch:22", "relay-alice"));
        assertEquals(255, refused.process().exitValue());
        JsonObject refusal = awaitEvent(events, "refused", "nosuch");
        assertEquals("no_such_name", refusal.getString("reason"), refusal.encode());
        assertEquals("alice", refusal.getString("initiator"));

        gw.close();
        JsonObject gone = awaitEvent(events, "disconnected", "gw1");
        assertEquals(new JsonArray(List.of(22)), gone.getJsonArray("ports"));
        assertTrue(events.isAlive(), "events follows until the client disconnects");
    }

    @Test
    void textIsOneLinePerEvent() throws Exception {
        SshProcess events = follow(relay, commands);
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        String node = relay.server().nodeId().shortId();
        RelayFixture.await(events, "a connected line", () -> events.stdout().lines().anyMatch(line ->
                line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z connected gw1 node " + node
                        + " aliases \\[] ports \\[22] address 127\\.0\\.0\\.1:\\d+")));
    }

    @Test
    void onlyAdminKeysMayFollow() throws Exception {
        SshProcess alice = relay.run(relay.ssh("relay-alice", "events"));
        assertEquals(1, alice.process().exitValue());
        assertTrue(alice.stderr().contains("Permission denied: 'events' needs access=\"admin\""), alice.stderr());

        SshProcess usage = relay.run(relay.ssh("relay-root", "events", "--xml"));
        assertEquals(2, usage.process().exitValue());
        assertTrue(usage.stderr().contains("events [--json]"), usage.stderr());
    }

    /**
     * A reader that stops reading (its ssh stopped with SIGSTOP) while a flood of refusals goes on: the relay sends it
     * no more than its SSH window and its bounded queue, drops the rest, and tells it so when it reads again; another
     * reader meanwhile gets every event at once.
     */
    @Test
    void aReaderThatStopsReadingIsToldWhatItMissedAndSlowsNobody() throws Exception {
        SshProcess stopped = follow(relay, commands, "--json");
        SshProcess watcher = follow(relay, commands, "--json");
        signal(stopped, "-STOP");
        // ~8 KB an event: the reader's 2 MiB window holds ~250, its queue 2048 more; the rest are dropped.
        int refusals = 4000;
        ch.qos.logback.classic.Logger relayLogs = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.nuttssh");
        Level before = relayLogs.getLevel();
        relayLogs.setLevel(Level.WARN); // each refusal's log line would quote its 4000-character name
        try {
            refuseMany(refusals, "x".repeat(4000) + "!");
        } finally {
            relayLogs.setLevel(before);
        }
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        awaitEvent(watcher, "connected", "gw1");

        signal(stopped, "-CONT");
        RelayFixture.await(stopped, "a dropped line", () -> stopped.stdout().contains("\"event\":\"dropped\""));
        relay.listener("gw", "gw2", "gw2", "22:localhost:" + echo.port());
        awaitEvent(stopped, "connected", "gw2");
        List<JsonObject> lines = jsonLines(stopped);
        long dropped = lines.stream().filter(json -> "dropped".equals(json.getString("event")))
                .mapToLong(json -> json.getLong("count")).sum();
        long shown = lines.stream().filter(json -> json.getString("name").startsWith("xxx")
                || "gw1".equals(json.getString("name"))).count();
        assertEquals(refusals + 1, shown + dropped, "each refusal, and gw1's connect, either shown or counted");
        assertTrue(dropped > 0, "more than the queue and one window did not wait for the reader");
        int firstDrop = lines.indexOf(lines.stream().filter(json -> "dropped".equals(json.getString("event")))
                .findFirst().orElseThrow());
        assertTrue(firstDrop < lines.size() - 1 && lines.get(lines.size() - 1).getString("name").equals("gw2"),
                "the drop is told, then the events after it follow");
    }

    /** Opens {@code count} circuits to {@code target}, a name no client has, on one connection as alice. */
    private void refuseMany(int count, String target) throws Exception {
        KeyPair alice = new FileKeyPairProvider(relay.key("alice")).loadKeys(null).iterator().next();
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.start();
            try (ClientSession session = MinaLogin.login(client, "alice", relay.port(), alice, RelayFixture.TIMEOUT)) {
                int batch = 200; // under max-channels-per-connection
                for (int done = 0; done < count; done += batch) {
                    List<OpenFuture> opens = new java.util.ArrayList<>();
                    for (int i = done; i < Math.min(count, done + batch); i++) {
                        opens.add(session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                                new SshdSocketAddress(target, 22)).open());
                    }
                    for (OpenFuture open : opens) {
                        open.await(RelayFixture.TIMEOUT);
                        assertTrue(open.getException() != null, "refused");
                    }
                }
            }
        }
    }

    private static void signal(SshProcess process, String signal) throws Exception {
        RelayFixture.exec(List.of("kill", signal, String.valueOf(process.pid())));
    }

    /** Starts {@code ssh relay-root events ARGS} and waits until the relay runs it. */
    static SshProcess follow(RelayFixture relay, LogCapture commands, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(relay.ssh("relay-root", "events"));
        command.addAll(List.of(args));
        long before = followers(commands);
        SshProcess events = relay.start(command, null);
        RelayFixture.await(events, "the relay to run events", () -> followers(commands) > before);
        return events;
    }

    private static long followers(LogCapture commands) {
        return commands.lines().stream().filter(line -> line.startsWith("INFO command 'events")).count();
    }

    /** The JSON lines written so far, leaving out the last one if it is not whole yet. */
    static List<JsonObject> jsonLines(SshProcess events) {
        String out = events.stdout();
        return out.substring(0, out.lastIndexOf('\n') + 1).lines().map(JsonObject::new).toList();
    }

    /** Waits for a JSON line with {@code event} about {@code name}, and returns it. */
    static JsonObject awaitEvent(SshProcess events, String event, String name) throws Exception {
        RelayFixture.await(events, event + " " + name, () -> find(events, event, name).isPresent());
        return find(events, event, name).orElseThrow();
    }

    private static Optional<JsonObject> find(SshProcess events, String event, String name) {
        return jsonLines(events).stream()
                .filter(json -> event.equals(json.getString("event")) && name.equals(json.getString("name")))
                .findFirst();
    }
}
