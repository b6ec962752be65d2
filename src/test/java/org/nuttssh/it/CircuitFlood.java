package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.nuttssh.testing.Await;

/**
 * Many circuits through one local forward ({@code ssh -L}) at once, each written its own bytes (a seeded random
 * stream) as fast as it takes them, then half-closed: against a {@link TcpTarget.Mode#HELD} target, every byte backs
 * up in the path, the relay included, until the target resumes. Each circuit's answer, the target's byte count and
 * SHA-256 of what it read, must then match what was written.
 */
final class CircuitFlood implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final long bytesEach;
    private final ExecutorService threads;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<CompletableFuture<String>> answers = new ArrayList<>();
    private final List<String> expected = new ArrayList<>();
    private final AtomicLong written = new AtomicLong();

    private CircuitFlood(int circuits, long bytesEach) {
        this.bytesEach = bytesEach;
        this.threads = Executors.newFixedThreadPool(circuits, runnable -> {
            Thread thread = new Thread(runnable, "circuit-flood");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens {@code circuits} connections to the loopback {@code port} and starts writing {@code bytesEach} to each. */
    static CircuitFlood start(int port, int circuits, long bytesEach) throws IOException {
        CircuitFlood flood = new CircuitFlood(circuits, bytesEach);
        for (int i = 0; i < circuits; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            flood.sockets.add(socket);
            flood.expected.add(null);
            int seed = i;
            flood.answers.add(CompletableFuture.supplyAsync(() -> flood.send(socket, seed), flood.threads));
        }
        return flood;
    }

    /** Bytes the local connections have taken so far, all circuits together. */
    long written() {
        return written.get();
    }

    /** Waits until no circuit takes a byte for {@code quiet}: everything the path can hold is in it. */
    void awaitBackedUp(Duration quiet, Duration timeout) {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        Await.until("the circuits to back up", timeout, () -> {
            long now = written();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] >= quiet.toNanos();
        });
    }

    /** Waits for every circuit's answer and checks it against what was written to it. */
    void assertEveryByteArrived(Duration timeout) throws Exception {
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        for (int i = 0; i < answers.size(); i++) {
            assertEquals(expected(i), answers.get(i).join(), "circuit " + i);
        }
    }

    private synchronized String expected(int circuit) {
        return expected.get(circuit);
    }

    private String send(Socket socket, int seed) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[CHUNK];
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < bytesEach; sent += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            synchronized (this) {
                expected.set(seed, bytesEach + " " + HexFormat.of().formatHex(digest.digest()) + "\n");
            }
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "failed: " + e;
        }
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
