package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.MetricsConfig;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.LogCapture;

/**
 * A drain at a slow drain-rate, with a fleet of OpenSSH listeners: the node is not ready before anyone is let go,
 * the clients without circuits go a few at a time, and those still here stay reachable, keeping the circuits made
 * to them meanwhile until these end. Pacing is checked loosely (a spread and a ceiling per second), not timed.
 */
class PacedDrainTest {

    private static final int DEVICES = 10;
    private static final int RATE = 2;

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void notReadyFirstThenIdleClientsGoAtTheRateWhileTheOthersStayReachable() throws Exception {
        TcpTarget echo = relay.target("echo", TcpTarget.Mode.ECHO);
        relay.configure(c -> c.metrics(new MetricsConfig("127.0.0.1", 0)).drainRate(RATE)
                .shutdownGrace(Duration.ofSeconds(60)));
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        List<SshProcess> devices = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            devices.add(relay.listener("gw", "d" + i, "d" + i, "22:localhost:" + echo.port()));
        }
        SshProcess newest = devices.get(DEVICES - 1);
        // New connections are refused once the drain starts: new circuits come through one made before, connected
        // last, so that it is let go last (as they would come from another node of a cluster).
        int localPort = FreePorts.tcp();
        SshProcess forward = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":d" + DEVICES + ":22", "relay-alice"));
        RelayFixture.await(forward, "the local forward", () -> CircuitsTest.canConnect(localPort));
        assertEquals("echo\nbefore\n", RoundTrip.viaPort(localPort, "before\n"));
        int metricsPort = relay.server().metricsPort();

        LogCapture drainLog = new LogCapture("org.nuttssh.ssh.PacedDisconnects");
        relay.onClose(drainLog);
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(relay.server()::shutdown);

        long[] goneAt = new long[DEVICES - 1];
        Arrays.fill(goneAt, -1);
        long notReadyAt = -1;
        boolean newestListedAtFirstDisconnect = false;
        Socket circuit = null;
        long deadline = System.nanoTime() + RelayFixture.TIMEOUT.toNanos();
        while (Arrays.stream(goneAt).anyMatch(at -> at < 0) && System.nanoTime() < deadline) {
            if (notReadyAt < 0 && readiness(metricsPort) == 503) {
                notReadyAt = System.nanoTime();
            }
            for (int i = 0; i < goneAt.length; i++) {
                if (goneAt[i] < 0 && !devices.get(i).isAlive()) {
                    goneAt[i] = System.nanoTime();
                }
            }
            if (circuit == null && Arrays.stream(goneAt).anyMatch(at -> at >= 0)) {
                newestListedAtFirstDisconnect = relay.newestRecord("d" + DEVICES).isPresent();
                circuit = new Socket(InetAddress.getLoopbackAddress(), localPort);
                circuit.setSoTimeout((int) RelayFixture.TIMEOUT.toMillis());
                circuit.getOutputStream().write("during\n".getBytes(StandardCharsets.UTF_8));
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }

        assertTrue(Arrays.stream(goneAt).allMatch(at -> at >= 0), "every idle client was let go: "
                + Arrays.toString(goneAt));
        long first = Arrays.stream(goneAt).min().orElseThrow();
        long last = Arrays.stream(goneAt).max().orElseThrow();
        assertTrue(notReadyAt >= 0 && notReadyAt <= first, "/health/ready was 503 before the first disconnect");
        // 9 clients at 2 a second take 4 s; half of that allows for a loaded machine bunching the exits.
        double spread = (last - first) / 1e9;
        assertTrue(spread >= (goneAt.length - 1) / (2.0 * RATE), "let go within " + spread + " s, not paced");
        for (long from : goneAt) {
            long inOneSecond = Arrays.stream(goneAt).filter(at -> at >= from && at < from + 1_000_000_000L).count();
            assertTrue(inOneSecond <= 2 * RATE + 1, inOneSecond + " clients let go within one second");
        }

        assertTrue(newestListedAtFirstDisconnect, "a client not yet let go keeps its name");
        byte[] expected = "echo\nduring\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("echo\nduring\n", new String(circuit.getInputStream().readNBytes(expected.length),
                StandardCharsets.UTF_8), "the echo through a circuit made during the drain");
        RelayFixture.await("every client's turn", () -> drainLog.lines().stream()
                .anyMatch(line -> line.contains("clients without open circuits let go in")));
        assertTrue(drainLog.lines().stream().anyMatch(line -> line.contains(": 9 clients without open circuits")),
                String.join("\n", drainLog.lines()));
        assertTrue(newest.isAlive() && forward.isAlive() && !shutdown.isDone(),
                "the clients of a circuit stay until it ends");

        circuit.close();
        shutdown.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(255, forward.waitFor(RelayFixture.TIMEOUT));
        assertEquals(255, newest.waitFor(RelayFixture.TIMEOUT));
        assertTrue(newest.stderr().contains("the relay is shutting down"), newest.stderr());
    }

    /** The status of /health/ready, or -1 once the metrics port is closed. */
    private static int readiness(int port) throws InterruptedException {
        try {
            return MetricsScrape.get(port, "/health/ready").statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
