package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.nuttssh.testing.FreePorts;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A relay with a small memory bound, driven past it by listening clients until new connections are refused, then by
 * circuits whose far end never reads, from several initiators, until a circuit is refused: it refuses the excess
 * with a reason and a count, never runs out of memory, keeps serving the clients and circuits it has, and accepts
 * again once the load is gone. The listening clients are MINA clients in this JVM; the circuits run between real
 * OpenSSH clients. (Since issue 30 a backed-up circuit holds only what the window budget grants its initiator's
 * connection, a quarter of the budget at most, so it takes four initiators, and circuits at their floor window
 * beyond the budget, to reach the mark.)
 */
@Tag("slow")
class MemoryBoundTest {

    private static final String MAX_MEMORY = "128m";
    private static final int FLEET = 1000;
    /**
     * More idle listening clients than 128 MB holds below its first mark (75 %): the relay refuses some. An idle
     * client is about 9 KB of live heap (docs/performance.md, issue 33), so 96 MB holds about 9000 with the rest;
     * 3000 were enough when one cost 25-30 KB.
     */
    private static final int MORE_CLIENTS = 10_000;
    /** Initiator connections: each may hold a quarter of the window budget, so together they can take it all. */
    private static final int INITIATORS = 4;
    /** Circuits filled at once. */
    private static final int BATCH = 32;
    /** A circuit that has taken no bytes for this long is backed up: its far end's window is full. */
    private static final Duration STALLED = Duration.ofMillis(500);
    /**
     * Far more than 128 MB can hold at the floor window (32 KiB) each beyond the window budget; reaching it means
     * nothing was refused. Below the initiators' max-circuits-per-client (256 each).
     */
    private static final int MAX_CIRCUITS = 960;
    /** More than any circuit can take before it backs up: an SSH window each way plus the sockets' buffers. */
    private static final long MAX_BYTES_PER_CIRCUIT = 64L << 20;
    private static final Duration START = Duration.ofSeconds(60);
    private static final String REFUSALS = "nuttssh_limit_refusals_total{limit=\"max-memory\"}";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void nearTheBoundTheExcessIsRefusedAndWhatTheRelayHasIsServed() throws Exception {
        TcpTarget echo = relay.target("echo", TcpTarget.Mode.ECHO);
        TcpTarget dead = relay.target(null, TcpTarget.Mode.STALL);
        RelayProcess process = relay.startProcess(List.of("--max-memory", MAX_MEMORY, "--metrics-port", "0",
                "--metrics-bind", "127.0.0.1"), "access=\"listen\" {gw}", "access=\"listen\" {fleet}",
                "access=\"initiate\" {alice}");
        int metrics = process.metricsPort(START);
        relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "22:localhost:" + echo.port(),
                "-R", "9:localhost:" + dead.port(), "-l", "gw1", "relay-gw"));
        int echoPort = FreePorts.tcp();
        SshProcess alice = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + echoPort + ":gw1:22", "relay-alice"));
        List<SshProcess> initiators = new ArrayList<>();
        List<Integer> deadPorts = new ArrayList<>();
        for (int i = 0; i < INITIATORS; i++) {
            int deadPort = FreePorts.tcp();
            SshProcess initiator = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                    "-L", "127.0.0.1:" + deadPort + ":gw1:9", "relay-alice"));
            RelayFixture.await(initiator, "a local forward", () -> CircuitsTest.canConnect(deadPort));
            initiators.add(initiator);
            deadPorts.add(deadPort);
        }
        RelayFixture.await(alice, "the listener and the local forwards", () -> scrape(metrics, "nuttssh_listeners") == 2
                && CircuitsTest.canConnect(echoPort));
        Socket kept = new Socket("127.0.0.1", echoPort);
        assertTrue(echoes(kept, "before"));

        try (ListenerFleet fleet = ListenerFleet.register(relay.port(), relay.key("fleet"), "fleet", FLEET);
             ListenerFleet more = ListenerFleet.register(relay.port(), relay.key("fleet"), "more", MORE_CLIENTS)) {
            assertEquals(FLEET, fleet.registered(), "1000 idle listening clients fit in " + MAX_MEMORY);
            assertTrue(more.refused() > 0, "no connection was refused");
            int listeners = 2 + fleet.registered() + more.registered();

            List<SocketChannel> backedUp = new ArrayList<>();
            ExecutorService filling = Executors.newFixedThreadPool(BATCH);
            boolean refused = false;
            try {
                while (!refused && backedUp.size() < MAX_CIRCUITS) {
                    List<SocketChannel> batch = new ArrayList<>();
                    for (int i = 0; i < BATCH; i++) {
                        int port = deadPorts.get((backedUp.size() + i) % INITIATORS);
                        batch.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
                    }
                    List<Future<Boolean>> filled = new ArrayList<>();
                    for (SocketChannel circuit : batch) {
                        filled.add(filling.submit(() -> fillUntilStalled(circuit)));
                    }
                    for (int i = 0; i < BATCH; i++) {
                        if (filled.get(i).get()) {
                            backedUp.add(batch.get(i));
                        } else {
                            batch.get(i).close();
                            refused = true;
                        }
                    }
                }
            } finally {
                filling.shutdownNow();
            }
            assertTrue(refused, "no circuit was refused");
            System.out.println("circuits backed up before one was refused: " + backedUp.size());
            assertTrue(initiators.stream().anyMatch(initiator -> initiator.stderr()
                    .contains("resource shortage: the relay is near its memory bound")), "no initiator was told why");

            SshProcess late = relay.run(relay.ssh("relay-alice", "list"));
            assertNotEquals(0, late.waitFor(RelayFixture.TIMEOUT));
            assertTrue(late.stderr().contains("the relay is near its memory bound"), late.stderr());
            assertTrue(scrape(metrics, REFUSALS) >= 2, "a circuit and a connection refused, and counted");

            assertTrue(echoes(kept, "during"), "the circuit it had is served");
            assertEquals(listeners, scrape(metrics, "nuttssh_listeners"), "the listeners it had are kept");
            assertTrue(process.isAlive());

            // The load goes: the initiators give up and the dead service's connections drop, so the relay can drop
            // what it held for it (it would otherwise still deliver those bytes first).
            for (SocketChannel circuit : backedUp) {
                circuit.close();
            }
            dead.close();
            RelayFixture.await("new circuits accepted again", () -> opens(echoPort));
        }
        kept.close();
        assertFalse(process.logText().contains("OutOfMemoryError"), process.logText());
    }

    /**
     * Writes into a new circuit until it takes no more.
     *
     * @return false if the relay refused the circuit (OpenSSH then closes the local connection)
     */
    private static boolean fillUntilStalled(SocketChannel circuit) throws IOException, InterruptedException {
        circuit.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        ByteBuffer in = ByteBuffer.allocate(1);
        long written = 0;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() - lastProgress < STALLED.toNanos()) {
            try {
                if (circuit.read(in) < 0) {
                    return false;
                }
                chunk.clear();
                int n = circuit.write(chunk);
                if (n > 0) {
                    written += n;
                    lastProgress = System.nanoTime();
                } else {
                    Thread.sleep(10);
                }
            } catch (IOException e) {
                return false; // reset by ssh: the channel open failed
            }
            if (written > MAX_BYTES_PER_CIRCUIT) {
                throw new AssertionError("a circuit to a target that never reads took " + written + " bytes");
            }
        }
        return true;
    }

    /** A new circuit through the echo port echoes. */
    private static boolean opens(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return echoes(socket, "again");
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a line and reads until it comes back (past the target's banner); false at EOF. */
    private static boolean echoes(Socket socket, String text) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c != '\n') {
                line.append((char) c);
            } else if (line.toString().equals(text)) {
                return true;
            } else {
                line.setLength(0);
            }
        }
        return false;
    }

    private static double scrape(int port, String sample) {
        try {
            return MetricsScrape.of(port).value(sample);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
