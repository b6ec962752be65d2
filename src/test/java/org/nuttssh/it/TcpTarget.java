package org.nuttssh.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A service behind a listening client, on a loopback port: it announces itself with a banner line, then either
 * echoes what it receives until EOF, or (digest mode) reads everything and answers with the byte count and SHA-256.
 * The connection is closed after the input's EOF, which exercises half-close through the relay. In stall mode it
 * never reads, like a service on a link that went dead, so that everything sent to it backs up; in held mode it
 * reads nothing until {@link #resume()}, then digests, so a test can check that what backed up arrives whole.
 */
public final class TcpTarget implements AutoCloseable {

    enum Mode { ECHO, DIGEST, STALL, HELD }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tcp-target");
        thread.setDaemon(true);
        return thread;
    });
    private final String banner;
    private final Mode mode;
    private final CountDownLatch held = new CountDownLatch(1);

    TcpTarget(String banner, Mode mode) throws IOException {
        this(banner, mode, 0);
    }

    private TcpTarget(String banner, Mode mode, int port) throws IOException {
        this.server = new ServerSocket(port, 64, InetAddress.getLoopbackAddress());
        this.banner = banner;
        this.mode = mode;
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** In held mode: every connection, open or to come, starts reading (and digesting) now. */
    void resume() {
        held.countDown();
    }

    /**
     * {@code TcpTarget BANNER PORT}: an echo target in a process of its own, for listening clients that run in a
     * network namespace of their own, where this JVM's loopback is out of reach. Runs until killed.
     */
    public static void main(String[] args) throws Exception {
        try (TcpTarget target = new TcpTarget(args[0], Mode.ECHO, Integer.parseInt(args[1]))) {
            System.out.println("listening on " + target.port());
            Thread.currentThread().join();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            if (banner != null) {
                out.write((banner + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (mode == Mode.STALL) {
                Thread.sleep(Long.MAX_VALUE); // until close() interrupts it
            }
            if (mode == Mode.HELD) {
                held.await();
            }
            byte[] buffer = new byte[64 * 1024];
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long count = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (mode == Mode.ECHO) {
                    out.write(buffer, 0, n);
                } else {
                    digest.update(buffer, 0, n);
                    count += n;
                }
            }
            if (mode != Mode.ECHO) {
                out.write((count + " " + HexFormat.of().formatHex(digest.digest()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (IOException | NoSuchAlgorithmException | InterruptedException e) {
            // The client went away, or the target closed; the test checks what it received.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
