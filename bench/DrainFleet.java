import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Benchmark load generator for the drain part: COUNT listening devices (each `ssh -N -R 22:...`), held by one JVM,
 * each from a loopback source address of its own group (127.SOURCE.X.Y, DEVICES_PER_SOURCE a source), all connected to
 * the node at FIRST_PORT. When one is disconnected it reconnects at once, as autossh does, to the survivors in turn
 * (round robin over SURVIVOR_PORTS); a failed attempt (refused, dropped before login) is retried after RETRY.
 *
 * Prints "registered N SECONDS" once all are listening on the first node. Then on the line "watch" from stdin it
 * starts the clock; once every device has been disconnected and is listening again on a survivor it prints
 * "moved N ALL_S MAX_GAP_S MEDIAN_GAP_S FAILED_ATTEMPTS": seconds from "watch" until the last device listened again,
 * the longest and the median time one device was not listening, and the attempts that failed. It keeps the devices
 * connected until stdin closes.
 *
 * Run: java -cp target/nuttssh.jar bench/DrainFleet.java KEYFILE COUNT SOURCE FIRST_PORT SURVIVOR_PORT,...
 */
public class DrainFleet {

    /** First connections in flight at once: the fleet is put on the first node as it would be over time. */
    private static final int CONCURRENT_HANDSHAKES = 64;
    /** Devices sharing one source address, as devices behind one NAT do. */
    private static final int DEVICES_PER_SOURCE = 20;
    /** autossh retries a failed ssh after a pause; a short one, so that refusals show as extra attempts. */
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Logins waited for; a reconnect slower than this counts as a failed attempt. */
    private static final long LOGIN_TIMEOUT_S = 60;
    /** Threads asking for the forward once a session is logged in (a blocking call in MINA). */
    private static final int FORWARDING_THREADS = 64;

    private static SshClient client;
    private static KeyPair key;
    private static int source;
    private static int[] survivors;
    private static final AtomicInteger nextSurvivor = new AtomicInteger();
    private static final AtomicInteger failedAttempts = new AtomicInteger();
    private static final AtomicInteger moved = new AtomicInteger();
    private static volatile long watchStart;
    private static long[] goneAt;
    private static long[] backAt;
    private static final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private static final ExecutorService forwarding = Executors.newFixedThreadPool(FORWARDING_THREADS);
    private static final Object done = new Object();

    public static void main(String[] args) throws Exception {
        key = new FileKeyPairProvider(Path.of(args[0])).loadKeys(null).iterator().next();
        int count = Integer.parseInt(args[1]);
        source = Integer.parseInt(args[2]);
        int firstPort = Integer.parseInt(args[3]);
        survivors = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        goneAt = new long[count];
        backAt = new long[count];

        client = SshClient.setUpDefaultClient();
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();

        Semaphore inFlight = new Semaphore(CONCURRENT_HANDSHAKES);
        List<CompletableFuture<Void>> first = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            CompletableFuture<Void> listening = new CompletableFuture<>();
            connect(i, firstPort, listening);
            listening.whenComplete((ok, failure) -> inFlight.release());
            first.add(listening);
        }
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        System.out.printf("registered %d %.3f%n", count, (System.nanoTime() - start) / 1e9);
        System.out.flush();

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if ("watch".equals(stdin.readLine())) {
            watchStart = System.nanoTime();
            synchronized (done) {
                while (moved.get() < count) {
                    done.wait();
                }
            }
            long[] gaps = new long[count];
            long last = 0;
            for (int i = 0; i < count; i++) {
                gaps[i] = backAt[i] - goneAt[i];
                last = Math.max(last, backAt[i]);
            }
            Arrays.sort(gaps);
            System.out.printf("moved %d %.3f %.3f %.3f %d%n", count, (last - watchStart) / 1e9,
                    gaps[count - 1] / 1e9, gaps[count / 2] / 1e9, failedAttempts.get());
            System.out.flush();
            while (stdin.readLine() != null) {
                // hold the connections until the benchmark closes our stdin
            }
        }
        client.stop();
        System.exit(0);
    }

    /** One attempt: connect from the device's source address, log in, ask for the forward; retries on failure. */
    private static void connect(int device, int port, CompletableFuture<Void> listening) {
        InetSocketAddress from = new InetSocketAddress("127." + source + "." + (1 + device / DEVICES_PER_SOURCE / 250)
                + "." + (1 + device / DEVICES_PER_SOURCE % 250), 0);
        try {
            ConnectFuture connecting = client.connect("d" + device, new InetSocketAddress("127.0.0.1", port), null,
                    from);
            connecting.addListener((SshFutureListener<ConnectFuture>) future -> {
                if (!future.isConnected()) {
                    retry(device, port, listening);
                    return;
                }
                ClientSession session = future.getSession();
                session.addPublicKeyIdentity(key);
                try {
                    session.auth().addListener(auth -> {
                        if (!auth.isSuccess()) {
                            session.close(true);
                            retry(device, port, listening);
                            return;
                        }
                        forwarding.execute(() -> forward(device, port, session, listening));
                    });
                } catch (Exception e) {
                    session.close(true);
                    retry(device, port, listening);
                }
            });
        } catch (Exception e) {
            retry(device, port, listening);
        }
    }

    private static void forward(int device, int port, ClientSession session, CompletableFuture<Void> listening) {
        try {
            session.startRemotePortForwarding(new SshdSocketAddress("localhost", 22),
                    new SshdSocketAddress("localhost", 9));
        } catch (Exception e) {
            session.close(true);
            retry(device, port, listening);
            return;
        }
        session.addSessionListener(new SessionListener() {
            @Override
            public void sessionClosed(Session closed) {
                goneAt[device] = System.nanoTime();
                connect(device, nextSurvivor(), new CompletableFuture<>());
            }
        });
        if (watchStart != 0) {
            backAt[device] = System.nanoTime();
            if (moved.incrementAndGet() == goneAt.length) {
                synchronized (done) {
                    done.notifyAll();
                }
            }
        }
        listening.complete(null);
    }

    /** A failed first connection tries its node again; a failed reconnect, the next survivor. */
    private static void retry(int device, int port, CompletableFuture<Void> listening) {
        if (watchStart != 0) {
            failedAttempts.incrementAndGet();
        }
        retries.schedule(() -> connect(device, watchStart != 0 ? nextSurvivor() : port, listening),
                RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int nextSurvivor() {
        return survivors[Math.floorMod(nextSurvivor.getAndIncrement(), survivors.length)];
    }
}
