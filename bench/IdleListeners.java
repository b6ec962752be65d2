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

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.DHFactory;
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
 * <p>The clients offer the key exchanges of MINA's client with --kex first, {@value #DEFAULT_FIRST_KEX} unless told
 * (what OpenSSH 9.9 and later offer first, so what a current device makes the relay compute); {@code --kex mina}
 * keeps MINA 2.20's own order, sntrup761x25519-sha512 first (as OpenSSH 9.0-9.8). Generating an sntrup761 key pair
 * is most of a MINA client's handshake (about 15 ms of CPU in BouncyCastle's Java), which made this JVM, not the
 * relay, bound the registration rate (docs/performance.md).
 *
 * Run: java -cp target/nuttssh.jar bench/IdleListeners.java [--kex NAME|mina] HOST PORT KEYFILE COUNT [FIRST_SOURCE]
 */
public class IdleListeners {

    /** Connections in flight at once: enough to keep the relay busy without a SYN flood on loopback. */
    private static final int CONCURRENT_HANDSHAKES = 64;
    /** The key exchange offered first unless --kex says otherwise: OpenSSH's first since 9.9. */
    private static final String DEFAULT_FIRST_KEX = "mlkem768x25519-sha256";
    /** --kex's value that keeps MINA's client order. */
    private static final String MINA_ORDER = "mina";

    public static void main(String[] args) throws Exception {
        String firstKex = DEFAULT_FIRST_KEX;
        if (args.length > 1 && args[0].equals("--kex")) {
            firstKex = args[1];
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
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
        if (!firstKex.equals(MINA_ORDER)) {
            client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(true, offer(firstKex),
                    ClientBuilder.DH2KEX));
        }
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

    /** MINA's client key exchanges with {@code first} moved to the front. */
    private static List<DHFactory> offer(String first) {
        DHFactory chosen = BuiltinDHFactories.fromFactoryName(first);
        if (chosen == null) {
            throw new IllegalArgumentException("--kex: " + first + " (expected a key exchange MINA knows, or "
                    + MINA_ORDER + ")");
        }
        List<DHFactory> offer = new ArrayList<>(List.of(chosen));
        for (DHFactory factory : ClientBuilder.DEFAULT_KEX_PREFERENCE) {
            if (factory != chosen) {
                offer.add(factory);
            }
        }
        return offer;
    }
}
