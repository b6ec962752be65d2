import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Benchmark load generator: N idle listening clients (what `ssh -N -R 22:localhost:22 NAME@relay` does), held by
 * one JVM, since thousands of OpenSSH processes would not fit on the machine. Prints the seconds it took until all
 * were registered, then keeps them connected until stdin closes. With FIRST_SOURCE (an IPv4 address on the
 * loopback), each client connects from an address of its own, FIRST_SOURCE, the one after it, and so on, as a fleet
 * of devices would: per-source limits then see one device each.
 *
 * Run: java -cp target/nuttssh.jar bench/IdleListeners.java HOST PORT KEYFILE COUNT [FIRST_SOURCE]
 */
public class IdleListeners {

    /** Connections in flight at once: enough to keep the relay busy without a SYN flood on loopback. */
    private static final int CONCURRENT_HANDSHAKES = 64;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path keyFile = Path.of(args[2]);
        int count = Integer.parseInt(args[3]);
        KeyPair key = new FileKeyPairProvider(keyFile).loadKeys(null).iterator().next();
        int firstSource = args.length > 4 ? ByteBuffer.wrap(InetAddress.getByName(args[4]).getAddress()).getInt() : 0;

        SshClient client = SshClient.setUpDefaultClient();
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();

        List<ClientSession> sessions = new ArrayList<>();
        // A thread per handshake in flight: each waits for its steps, which the common pool (one thread on two
        // cores) would have run one at a time.
        ExecutorService handshakes = Executors.newFixedThreadPool(CONCURRENT_HANDSHAKES);
        Semaphore inFlight = new Semaphore(CONCURRENT_HANDSHAKES);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            String name = "idle" + i;
            InetSocketAddress source = args.length > 4
                    ? new InetSocketAddress(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(firstSource + i)
                            .array()), 0)
                    : null;
            CompletableFuture<Void> registered = CompletableFuture.runAsync(() -> {
                try {
                    ClientSession session = client.connect(name, host, port, source).verify(30, TimeUnit.SECONDS)
                            .getSession();
                    session.addPublicKeyIdentity(key);
                    session.auth().verify(30, TimeUnit.SECONDS);
                    session.startRemotePortForwarding(new SshdSocketAddress("localhost", 22),
                            new SshdSocketAddress("localhost", 9));
                    synchronized (sessions) {
                        sessions.add(session);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(name + ": " + e, e);
                } finally {
                    inFlight.release();
                }
            }, handshakes);
            done.add(registered);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        System.out.printf("registered %d %.3f%n", sessions.size(), (System.nanoTime() - start) / 1e9);
        System.out.flush();
        handshakes.shutdown();
        while (System.in.read() >= 0) {
            // hold the connections until the benchmark closes our stdin
        }
        client.stop();
    }
}
