package org.nuttssh.it;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntUnaryOperator;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.nuttssh.testing.MinaLogin;

/**
 * Probes that open a circuit to every device about every {@link #INTERVAL}, each round through another node, and
 * keep every outcome: what a monitoring system sees of a fleet while its relay is upgraded. A probe is a MINA
 * session per node (one JVM is plenty for the probing side; the devices are real OpenSSH) opening a direct-tcpip
 * channel to {@code DEVICE:22}, whose target answers with the device's name and echoes. A node is probed only while
 * the test says it is up; a probe whose node went down while it ran is not counted (its node, not the device, was
 * gone).
 */
final class CircuitProbes implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    /** A circuit across two nodes on a loaded two-core machine answers within a second; five is a failure. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** Probes in flight at once: a round of 30 takes a fraction of the interval. */
    private static final int PARALLEL = 8;

    /**
     * @param at wall-clock time, to read next to the nodes' logs
     * @param holder for a failed probe, the node that the probing node listed as holding the device just after
     *     (its NODE column, or "none"): whether the name had gone, or was held and the circuit failed anyway
     */
    record Outcome(String device, int node, long atNanos, java.time.LocalTime at, boolean ok, String problem,
            String phase, String holder) {
    }

    private final SshClient client = SshClient.setUpDefaultClient();
    private final KeyPair identity;
    private final String user;
    private final IntUnaryOperator sshPort;
    private final List<String> devices;
    private final int nodes;
    private final ClientSession[] sessions;
    /** Bumped each time a node goes down, so that probes that straddle it are left out. */
    private final AtomicIntegerArray epochs;
    private final boolean[] up;
    private final List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService probes = Executors.newFixedThreadPool(PARALLEL);
    private int round;
    /** What the test is doing meanwhile, for the report. */
    private volatile String phase = "before the roll";

    CircuitProbes(java.nio.file.Path key, String user, int nodes, IntUnaryOperator sshPort, List<String> devices)
            throws Exception {
        this.identity = new FileKeyPairProvider(key).loadKeys(null).iterator().next();
        this.user = user;
        this.nodes = nodes;
        this.sshPort = sshPort;
        this.devices = List.copyOf(devices);
        this.sessions = new ClientSession[nodes + 1];
        this.epochs = new AtomicIntegerArray(nodes + 1);
        this.up = new boolean[nodes + 1];
        java.util.Arrays.fill(up, true);
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();
    }

    void start() {
        rounds.scheduleWithFixedDelay(this::round, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Node {@code n} is about to stop: no more probes through it, and none under way counts. */
    synchronized void down(int n) {
        up[n] = false;
        epochs.incrementAndGet(n);
        ClientSession session = sessions[n];
        sessions[n] = null;
        if (session != null) {
            session.close(true);
        }
    }

    synchronized void up(int n) {
        up[n] = true;
    }

    void phase(String now) {
        phase = now;
    }

    /** One round: every device, each through the next node that is up. */
    private void round() {
        int r = round++;
        List<Future<?>> running = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            int node = nodeFor(d + r);
            if (node == 0) {
                continue;
            }
            String device = devices.get(d);
            int epoch = epochs.get(node);
            running.add(probes.submit(() -> record(device, node, epoch, probe(node, device))));
        }
        for (Future<?> probe : running) {
            try {
                probe.get(PROBE_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                probe.cancel(true);
            }
        }
    }

    private synchronized int nodeFor(int k) {
        for (int i = 0; i < nodes; i++) {
            int n = (k + i) % nodes + 1;
            if (up[n]) {
                return n;
            }
        }
        return 0;
    }

    private void record(String device, int node, int epoch, String problem) {
        long atNanos = System.nanoTime();
        java.time.LocalTime at = java.time.LocalTime.now();
        if (epochs.get(node) != epoch) {
            return;
        }
        String holder = problem == null ? "" : holderSeenBy(node, device);
        outcomes.add(new Outcome(device, node, atNanos, at, problem == null, problem, phase, holder));
    }

    /** The NODE column of {@code list DEVICE} on node {@code node}, "none", or why it could not be asked. */
    private String holderSeenBy(int node, String device) {
        try (ChannelExec list = session(node).createExecChannel("list " + device)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.setOut(out);
            list.setErr(new ByteArrayOutputStream());
            list.open().verify(PROBE_TIMEOUT);
            list.waitFor(java.util.EnumSet.of(ClientChannelEvent.CLOSED), PROBE_TIMEOUT);
            return out.toString(StandardCharsets.UTF_8).lines().map(line -> line.split("\\s+"))
                    .filter(row -> row[0].equals(device)).map(row -> row[row.length - 1]).findFirst().orElse("none");
        } catch (Exception e) {
            return "(list failed: " + e + ")";
        }
    }

    /** Null when the circuit reached the device and echoed, otherwise what went wrong. */
    String probe(int node, String device) {
        ChannelDirectTcpip channel = null;
        try {
            channel = session(node).createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress(device, 22));
            channel.open().verify(PROBE_TIMEOUT);
            OutputStream out = channel.getInvertedIn();
            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String expected = device + "\nping\n";
            String got = read(channel.getInvertedOut(), expected.length());
            return got.equals(expected) ? null : "answered '" + got + "'";
        } catch (Exception e) {
            synchronized (this) {
                if (sessions[node] != null && !sessions[node].isOpen()) {
                    sessions[node] = null;
                }
            }
            return e.toString();
        } finally {
            if (channel != null) {
                // Gracefully: an immediate close sends no CHANNEL_CLOSE, and the relay would keep the circuit (and
                // hold its device through a shutdown's grace).
                awaitClosed(channel);
            }
        }
    }

    private static void awaitClosed(ChannelDirectTcpip channel) {
        try {
            channel.close(false).await(PROBE_TIMEOUT);
        } catch (java.io.IOException e) {
            channel.close(true);
        }
    }

    private static String read(InputStream in, int length) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        byte[] buffer = new byte[256];
        while (got.size() < length) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
            }
            if (in.available() == 0) {
                Thread.sleep(10);
                continue;
            }
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            got.write(buffer, 0, n);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private ClientSession session(int node) throws Exception {
        synchronized (this) {
            if (sessions[node] != null && sessions[node].isOpen()) {
                return sessions[node];
            }
        }
        ClientSession session = MinaLogin.login(client, user, sshPort.applyAsInt(node), identity, PROBE_TIMEOUT);
        synchronized (this) {
            if (sessions[node] != null && sessions[node].isOpen()) {
                session.close(true);
                return sessions[node];
            }
            sessions[node] = session;
            return session;
        }
    }

    /** Stops probing; what was recorded stays. */
    @Override
    public void close() throws InterruptedException {
        rounds.shutdownNow();
        rounds.awaitTermination(30, TimeUnit.SECONDS);
        probes.shutdownNow();
        probes.awaitTermination(30, TimeUnit.SECONDS);
        client.stop();
    }

    /** Every counted probe, in the order they ended. */
    List<Outcome> outcomes() {
        synchronized (outcomes) {
            return outcomes.stream().sorted(java.util.Comparator.comparingLong(Outcome::atNanos)).toList();
        }
    }

    /**
     * For each device, the longest it was unreachable: from the first failed probe of a run of failures to the next
     * probe that reached it (or to the last probe, if none did).
     */
    Map<String, Duration> longestUnreachable() {
        Map<String, Duration> longest = new TreeMap<>();
        List<Outcome> all = outcomes();
        long end = all.stream().mapToLong(Outcome::atNanos).max().orElse(0);
        for (String device : devices) {
            long worst = 0;
            long failingSince = -1;
            for (Outcome outcome : all) {
                if (!outcome.device().equals(device)) {
                    continue;
                }
                if (!outcome.ok() && failingSince < 0) {
                    failingSince = outcome.atNanos();
                } else if (outcome.ok() && failingSince >= 0) {
                    worst = Math.max(worst, outcome.atNanos() - failingSince);
                    failingSince = -1;
                }
            }
            if (failingSince >= 0) {
                worst = Math.max(worst, end - failingSince);
            }
            longest.put(device, Duration.ofNanos(worst));
        }
        return longest;
    }
}
