package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.admin.RelayCommand;
import org.nuttssh.testing.LogCapture;

import io.vertx.core.json.JsonObject;

/** {@code events} on node A of a secure cluster shows what happens on node B, each event once. */
class ClusterEventsTest {

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-events");
    private final LogCapture commands = new LogCapture(RelayCommand.class);

    @AfterEach
    void stopCapture() {
        commands.close();
    }

    @Test
    void anEventOnNodeBAppearsInTheStreamOnNodeA() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("echo", TcpTarget.Mode.ECHO);
        cluster.start(List.of("access=\"admin\" {root}", "access=\"initiate\" {alice}"),
                List.of("access=\"listen\" {gw}"));
        String nodeA = a.server().nodeId().shortId();
        String nodeB = b.server().nodeId().shortId();
        SshProcess events = EventsTest.follow(a, commands, "--json");

        b.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        JsonObject connected = EventsTest.awaitEvent(events, "connected", "gw1");
        assertEquals(nodeB, connected.getString("node"), "reported by the node holding the client");

        RelayFixture.await("gw1 known on A", () -> a.newestRecord("gw1").isPresent());
        SshProcess circuit = a.start(a.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        stdin.write("across\n".getBytes(StandardCharsets.UTF_8));
        stdin.close();
        circuit.waitFor(RelayFixture.TIMEOUT);
        JsonObject closed = EventsTest.awaitEvent(events, "circuit-closed", "gw1");
        assertEquals(nodeA, closed.getString("node"), "reported by the initiator's node");
        assertEquals(nodeB, closed.getString("target_node"));
        // B's events come in batches: one more after the circuit, so that a second report of it would be here too.
        b.listener("gw", "gw2", "gw2", "22:localhost:" + echo.port());
        EventsTest.awaitEvent(events, "connected", "gw2");
        assertEquals(1, count(events, "circuit-opened"), events.stdout());
        assertEquals(1, count(events, "circuit-closed"), events.stdout());
    }

    private static long count(SshProcess events, String event) {
        return EventsTest.jsonLines(events).stream().filter(json -> event.equals(json.getString("event"))).count();
    }
}
