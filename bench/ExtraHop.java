import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark helper: one extra loopback TCP hop and nothing else. Every connection to LISTEN_PORT is joined to a new
 * connection to TARGET_PORT, bytes copied both ways by two threads through direct buffers, half-close passed on;
 * both sockets close once both ways have ended.
 *
 * A cross-node circuit needs at least one TCP connection between the two relay processes. Carrying a single-node
 * circuit through this hop measures what that connection alone costs on this machine, which bounds how close any
 * cross-node path can come to the single-node speed when the machine is CPU-bound.
 *
 * Run: java bench/ExtraHop.java LISTEN_PORT TARGET_PORT
 */
public class ExtraHop {

    /** As large as one loopback TCP segment; larger reads return no more per call. */
    private static final int BUFFER = 64 * 1024;

    public static void main(String[] args) throws IOException {
        int targetPort = Integer.parseInt(args[1]);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
            while (true) {
                SocketChannel in = server.accept();
                SocketChannel out = SocketChannel.open(new InetSocketAddress("127.0.0.1", targetPort));
                in.socket().setTcpNoDelay(true);
                out.socket().setTcpNoDelay(true);
                AtomicInteger running = new AtomicInteger(2);
                copy(in, out, running);
                copy(out, in, running);
            }
        }
    }

    private static void copy(SocketChannel from, SocketChannel to, AtomicInteger running) {
        Thread copier = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                running.set(1); // the pair is broken: close it now
            }
            if (running.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        copier.setDaemon(true);
        copier.start();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
