package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Bytes sent through one circuit and everything that came back: the sender's EOF goes through too, so an echo
 * target answers all of it and the circuit ends.
 */
final class RoundTrip {

    private RoundTrip() {
    }

    /** Through {@code ssh -W}, its stdin a file in {@code dir}; fails unless it exits 0 within {@code timeout}. */
    static String viaSsh(Path dir, List<String> command, String input, Duration timeout)
            throws IOException, InterruptedException {
        Path stdin = Files.writeString(Files.createTempFile(dir, "in", ".txt"), input);
        try (SshProcess ssh = SshProcess.start(dir, command, stdin)) {
            assertEquals(0, ssh.waitFor(timeout), ssh.stderr());
            return ssh.stdout();
        }
    }

    /** Through a forwarded port on the loopback address ({@code ssh -L}). */
    static String viaPort(int port, String input) throws IOException {
        int timeout = (int) RelayFixture.TIMEOUT.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
            socket.setSoTimeout(timeout);
            socket.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
