import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Benchmark: what a client that never logs in makes the relay compute, by key exchange. Starts the relay from the
 * jar on the class path in a JVM of its own (offering every key exchange below, per-source penalties off), then, for
 * each key exchange in turn, runs handshakes one after another with a MINA client that hangs up as soon as the keys
 * are exchanged, as a flood of unauthenticated clients would. For each it reports the relay's CPU time per handshake
 * (the JVM's whole CPU, read from the OS, less what it uses idle), after an unmeasured warm-up, and how many such
 * handshakes one core could complete in a second. Then the same for each host key type in turn (a relay of its own
 * each, curve25519-sha256 only), since the relay signs every exchange with its host key. Group exchange asks for each modulus size in turn as preferred
 * and maximum, with 2048 bits as its minimum, as OpenSSH asks: the largest is what a hostile client asks for, and the
 * relay answers with its largest group no larger than its bound. Relays before that bound answer with the size asked.
 *
 * Run: java -cp target/nuttssh.jar bench/KexCost.java [SECONDS_PER_KEX]
 */
public class KexCost {

    /** Key exchanges with a fixed group or curve, by their SSH names. */
    private static final List<String> FIXED = List.of("curve25519-sha256", "ecdh-sha2-nistp256",
            "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "mlkem768x25519-sha256", "sntrup761x25519-sha512",
            "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512");
    private static final String GROUP_EXCHANGE = "diffie-hellman-group-exchange-sha256";
    /** Host key types, as ssh-keygen makes them (-t and -b), each measured with {@link #HOST_KEY_KEX}. */
    private static final List<List<String>> HOST_KEYS = List.of(List.of("ed25519"), List.of("ecdsa", "-b", "256"),
            List.of("ecdsa", "-b", "384"), List.of("rsa", "-b", "2048"), List.of("rsa", "-b", "3072"));
    private static final String HOST_KEY_KEX = "curve25519-sha256";
    /** The smallest group OpenSSH and MINA accept, and so what they ask for as the minimum. */
    private static final int GROUP_MIN = 2048;
    /** Modulus sizes that MINA's built-in moduli file has groups of, from its smallest allowed to its largest. */
    private static final int[] GROUP_SIZES = {2048, 3072, 4096, 6144, 8192};
    /** Each key exchange's, before anything is measured: the JVM compiles what the relay runs for it. */
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration IDLE = Duration.ofSeconds(3);
    /** At least this many handshakes are measured, however slow. */
    private static final int MIN_HANDSHAKES = 10;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        Path dir = Files.createTempDirectory("nuttssh-kexcost-");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("ssh_host_key").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client").toString());
        Files.writeString(dir.resolve("authorized_keys"), "access=\"initiate\" "
                + Files.readString(dir.resolve("client.pub")));
        List<String> kex = new ArrayList<>(FIXED);
        kex.add(GROUP_EXCHANGE);
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            List<Step> steps = new ArrayList<>();
            FIXED.forEach(name -> steps.add(new Step(name, name, 0)));
            for (int size : GROUP_SIZES) {
                steps.add(new Step(GROUP_EXCHANGE + " asks " + size, GROUP_EXCHANGE, size));
            }
            System.out.printf("%-46s %8s %14s %17s%n", "key exchange (ed25519 host key)", "measured",
                    "relay CPU/hs", "handshakes/s/core");
            measure(client, dir, dir.resolve("ssh_host_key"), kex, steps, measure);
            System.out.printf("%-46s %8s %14s %17s%n", "host key (" + HOST_KEY_KEX + ")", "measured",
                    "relay CPU/hs", "handshakes/s/core");
            for (List<String> type : HOST_KEYS) {
                Path hostKey = dir.resolve("ssh_host_key_" + String.join("", type).replace("-b", "_"));
                List<String> keygen = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-f", hostKey.toString(),
                        "-t"));
                keygen.addAll(type);
                run(keygen.toArray(String[]::new));
                measure(client, dir, hostKey, List.of(HOST_KEY_KEX),
                        List.of(new Step(String.join(" ", type), HOST_KEY_KEX, 0)), measure);
            }
        } finally {
            client.stop();
        }
    }

    /** Starts a relay with the host key and key exchanges, warms the steps up, then measures each in turn. */
    private static void measure(SshClient client, Path dir, Path hostKey, List<String> kex, List<Step> steps,
                                Duration measure) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = dir.resolve(hostKey.getFileName() + ".log");
        Process relay = new ProcessBuilder("java", "-Dnuttssh.launcher=false", "-cp",
                System.getProperty("java.class.path"), "org.nuttssh.cli.Main", "--bind", "127.0.0.1",
                "--port", String.valueOf(port), "--host-key", hostKey.toString(),
                "--authorized-keys", dir.resolve("authorized_keys").toString(), "--log-level", "warn",
                "--per-source-penalties", "off", "--kex-algorithms", String.join(",", kex))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitPort(port, relay);
            for (Step step : steps) {
                step.run(client, port, WARM_UP);
            }
            double idlePerSecond = idleCpuPerSecond(relay);
            for (Step step : steps) {
                long cpuBefore = cpuNanos(relay);
                long start = System.nanoTime();
                int count = step.run(client, port, measure);
                double wall = (System.nanoTime() - start) / 1e9;
                double perHandshake = ((cpuNanos(relay) - cpuBefore) / 1e9 - idlePerSecond * wall) / count;
                System.out.printf("%-46s %8d %11.2f ms %17.0f%n", step.label, count, perHandshake * 1000,
                        1 / perHandshake);
            }
        } finally {
            relay.destroy();
            relay.waitFor();
            System.out.println("relay log: " + log + "; idle CPU subtracted");
        }
    }

    /** One key exchange, and the group size a group exchange asks for (0 for none). */
    private record Step(String label, String kex, int groupSize) {

        /** Handshakes one after another for {@code time}, at least {@link #MIN_HANDSHAKES}; returns how many. */
        int run(SshClient client, int port, Duration time) throws IOException {
            client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                    List.of(BuiltinDHFactories.fromFactoryName(kex)), ClientBuilder.DH2KEX));
            if (groupSize > 0) {
                CoreModuleProperties.PROP_DHGEX_CLIENT_MIN_KEY.set(client, GROUP_MIN);
                CoreModuleProperties.PROP_DHGEX_CLIENT_PRF_KEY.set(client, groupSize);
                CoreModuleProperties.PROP_DHGEX_CLIENT_MAX_KEY.set(client, groupSize);
            }
            long start = System.nanoTime();
            int count = 0;
            while (count < MIN_HANDSHAKES || System.nanoTime() - start < time.toNanos()) {
                handshake(client, port);
                count++;
            }
            return count;
        }
    }

    /** Connects, waits until the keys are exchanged (the client may start to authenticate), and hangs up. */
    private static void handshake(SshClient client, int port) throws IOException {
        try (ClientSession session = client.connect("bench", "127.0.0.1", port).verify(STEP_TIMEOUT).getSession()) {
            var reached = session.waitFor(EnumSet.of(ClientSessionEvent.WAIT_AUTH, ClientSessionEvent.CLOSED),
                    STEP_TIMEOUT);
            if (!reached.contains(ClientSessionEvent.WAIT_AUTH)) {
                throw new IOException("key exchange did not complete: " + reached);
            }
        }
    }

    private static double idleCpuPerSecond(Process relay) throws InterruptedException {
        long before = cpuNanos(relay);
        Thread.sleep(IDLE.toMillis());
        return (cpuNanos(relay) - before) / 1e9 / IDLE.toSeconds();
    }

    /** The process's CPU time so far (user and system), as the OS counts it: in clock ticks, 10 ms on Linux. */
    private static long cpuNanos(Process process) {
        return process.info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static void awaitPort(int port, Process relay) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && relay.isAlive()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the relay did not listen on port " + port);
    }

    private static void run(String... command) throws Exception {
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
