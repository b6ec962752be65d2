package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.MetricsConfig;
import org.nuttssh.testing.LogCapture;

/** A draining relay, as after SIGTERM: no new connections, names withdrawn at once, open circuits carry on. */
class GracefulShutdownTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void prepare() throws Exception {
        relay.configure(c -> c.metrics(new MetricsConfig("127.0.0.1", 0)));
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    private CompletableFuture<Void> shutdownInBackground() {
        return CompletableFuture.runAsync(relay.server()::shutdown);
    }

    @Test
    void openCircuitsFinishWhileEverythingElseStops() throws Exception {
        relay.configure(c -> c.shutdownGrace(Duration.ofSeconds(60)));
        relay.start("access=\"listen\" {gw}", "access=\"listen\" {idle}", "access=\"initiate\" {alice}");
        SshProcess target = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess idle = relay.listener("idle", "idle1", "idle1", "22:localhost:" + echo.port());
        SshProcess circuit = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        send(stdin, "before\n");
        RelayFixture.await(circuit, "the first echo", () -> circuit.stdout().equals("echo\nbefore\n"));
        int metricsPort = relay.server().metricsPort();

        CompletableFuture<Void> shutdown = shutdownInBackground();

        RelayFixture.await("names withdrawn", () -> relay.newestRecord("gw1").isEmpty()
                && relay.newestRecord("idle1").isEmpty());
        assertEquals(503, MetricsScrape.get(metricsPort, "/health/ready").statusCode());
        assertEquals(255, idle.waitFor(RelayFixture.TIMEOUT), "a client without circuits is let go at once");
        assertTrue(idle.stderr().contains("the relay is shutting down"), idle.stderr());
        SshProcess latecomer = relay.run(relay.ssh("relay-alice", "list"));
        assertEquals(255, latecomer.process().exitValue());
        assertTrue(latecomer.stderr().contains("Connection refused"), latecomer.stderr());

        send(stdin, "during\n");
        RelayFixture.await(circuit, "the echo while draining", () -> circuit.stdout().endsWith("during\n"));
        assertTrue(target.isAlive() && !shutdown.isDone(), "the circuit's clients stay until it ends");

        stdin.close();
        assertEquals(0, circuit.waitFor(RelayFixture.TIMEOUT), circuit.stderr());
        shutdown.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(255, target.waitFor(RelayFixture.TIMEOUT));
    }

    @Test
    void circuitsStillOpenWhenTheGraceEndsAreClosed() throws Exception {
        relay.configure(c -> c.shutdownGrace(Duration.ofSeconds(1)));
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess circuit = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        send(circuit.stdin(), "hello\n");
        RelayFixture.await(circuit, "the echo", () -> circuit.stdout().equals("echo\nhello\n"));

        try (LogCapture audit = new LogCapture(Class.forName("org.nuttssh.circuit.CircuitAudit"))) {
            long started = System.nanoTime();
            relay.server().shutdown();
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

            assertTrue(seconds >= 1 && seconds < 10, "took " + seconds + " s");
            circuit.waitFor(RelayFixture.TIMEOUT);
            assertTrue(audit.lines().stream().anyMatch(line -> line.startsWith("INFO circuit closed: alice@")
                    && line.endsWith(", the relay is shutting down")), String.join("\n", audit.lines()));
        }
    }

    @Test
    void nothingOpenMeansAQuickShutdown() throws Exception {
        relay.start("access=\"listen\" {gw}");
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        long started = System.nanoTime();
        relay.server().shutdown();

        // Half the 30 s grace: nothing was waited for, however busy the machine.
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15);
        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT));
        assertTrue(relay.newestRecord("gw1").isEmpty());
    }

    private static void send(OutputStream stdin, String text) throws Exception {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}
