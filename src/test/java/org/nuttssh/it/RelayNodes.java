package org.nuttssh.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.SshKeygen;

/**
 * Relay nodes in JVMs of their own, started as an operator starts them (a secure cluster: certificates and secret
 * made with cluster-certs), on a {@link ClusterNetwork}, with real OpenSSH clients: listening clients registered
 * on a chosen node, and an initiator that can list and open circuits through any node. Nodes can be paused
 * (SIGSTOP), resumed, killed and restarted on the same address.
 */
final class RelayNodes implements AutoCloseable {

    /** Three JVMs joining Hazelcast on two busy cores. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Hazelcast declares a silent member dead after 5 s (cluster.xml); this leaves room for a busy machine. */
    static final Duration FAILURE_DETECTION = Duration.ofSeconds(15);
    /** The convergence bound the cluster promises once a pause or partition is over. */
    static final Duration CONVERGENCE = Duration.ofSeconds(30);
    private static final Pattern READY = Pattern.compile("nuttssh listening on \\S+ port (\\d+) \\(node ([0-9a-f-]+)");

    private final Path dir;
    private final ClusterNetwork network;
    private final int count;
    private final int[] sshPorts;
    private final Process[] nodes;
    /** The jar each node runs from at its next start, or null for this build's class path. */
    private final Path[] jars;
    private final List<SshProcess> clients = new ArrayList<>();
    private final List<Process> targets = new ArrayList<>();
    private final String clusterName = "nuttssh-heal-" + UUID.randomUUID();

    RelayNodes(Path dir, ClusterNetwork network, int count, String... authorizedRoles) throws Exception {
        this.dir = dir;
        this.network = network;
        this.count = count;
        this.sshPorts = new int[count + 1];
        this.nodes = new Process[count + 1];
        this.jars = new Path[count + 1];
        new SshKeygen(dir).key("ssh_host_key");
        ClientKeys.authorize(dir, List.of(authorizedRoles));
        List<String> names = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            names.add("node" + n);
            sshPorts[n] = network.freeClientPort();
        }
        new ClusterCertificates(dir.resolve("certs"), line -> { }).create(names, List.of());
        Files.writeString(dir.resolve("ssh_config"), RelayFixture.CLIENT_DEFAULTS);
    }

    private Path key(String role) {
        return ClientKeys.key(dir, role);
    }

    /** Starts every node, the first alone first (nodes started at once may each form a cluster of their own). */
    void startAll() throws Exception {
        start(1);
        awaitReady(1);
        for (int n = 2; n <= count; n++) {
            start(n);
        }
        for (int n = 2; n <= count; n++) {
            awaitReady(n);
        }
        try {
            Await.until("every node to see " + count + " members", START_TIMEOUT, () -> allSee(count));
        } catch (AssertionError e) {
            List<String> views = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                views.add("node" + n + " " + whoamiNode(n));
            }
            throw new AssertionError(e.getMessage() + ": " + views + logTails(), e);
        }
    }

    /** Node {@code n} runs from {@code jar} (another release's) from its next start on; null for this build. */
    void runFrom(int n, Path jar) {
        jars[n] = jar;
    }

    /** Starts node {@code n} (again, after a kill: same address, ports and files, a new node id). */
    void start(int n) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Without the launcher: the node's process is the relay's JVM itself, which STOP, CONT and KILL must reach.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dnuttssh.launcher=false"));
        command.addAll(ClusterScript.HAZELCAST_JVM_FLAGS);
        command.addAll(jars[n] != null ? List.of("-jar", jars[n].toString())
                : List.of("-cp", System.getProperty("java.class.path"), "org.nuttssh.cli.Main"));
        command.addAll(List.of("--bind", network.host(n), "--port", String.valueOf(sshPorts[n]),
                "--host-key", dir.resolve("ssh_host_key").toString(),
                "--authorized-keys", dir.resolve("authorized_keys").toString(),
                "--cluster", "--cluster-name", clusterName, "--cluster-host", network.host(n),
                "--cluster-config", clusterConfig(n).toString(), "--cluster-members", members(),
                "--cluster-tls-cert", dir.resolve("certs/node" + n + ".crt").toString(),
                "--cluster-tls-key", dir.resolve("certs/node" + n + ".key").toString(),
                "--cluster-tls-ca", dir.resolve("certs/ca.crt").toString(),
                "--cluster-secret", dir.resolve("certs/cluster.secret").toString()));
        Path log = dir.resolve("node" + n + ".log");
        Files.deleteIfExists(log);
        nodes[n] = new ProcessBuilder(network.onNode(n, command)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).start();
    }

    /** The bundled cluster.xml with this node's Hazelcast port. */
    private Path clusterConfig(int n) throws IOException {
        Path file = dir.resolve("cluster" + n + ".xml");
        String bundled = Files.readString(Path.of("cluster.xml"), StandardCharsets.UTF_8);
        Files.writeString(file, bundled.replaceFirst("(<port[^>]*>)\\d+(</port>)",
                "$1" + network.hazelcastPort(n) + "$2"));
        return file;
    }

    private String members() {
        List<String> members = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            members.add(network.host(n) + ":" + network.hazelcastPort(n));
        }
        return String.join(",", members);
    }

    void awaitReady(int n) {
        Await.value("node" + n + " to listen", START_TIMEOUT, () -> {
            if (!nodes[n].isAlive()) {
                throw new AssertionError("node" + n + " exited: " + log(n));
            }
            return readyLine(n);
        });
    }

    private Optional<Matcher> readyLine(int n) {
        Matcher matcher = READY.matcher(log(n));
        return matcher.find() ? Optional.of(matcher) : Optional.empty();
    }

    /** The node's full id, from the last start's ready line. */
    String nodeId(int n) {
        return readyLine(n).orElseThrow(() -> new AssertionError("node" + n + " is not ready")).group(2);
    }

    String shortId(int n) {
        return nodeId(n).split("-")[0];
    }

    String log(int n) {
        try {
            return Files.readString(dir.resolve("node" + n + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to node {@code n}, as an orchestrator stops it; fails with its log if it has not exited in time. */
    void terminate(int n, Duration timeout) throws Exception {
        signal(n, "TERM");
        if (!nodes[n].waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node" + n + " still runs " + timeout.toSeconds() + " s after SIGTERM:\n"
                    + log(n));
        }
    }

    /** Sends a signal by name (STOP, CONT, KILL) to node {@code n}. */
    void signal(int n, String signal) throws Exception {
        RelayFixture.exec(List.of("kill", "-" + signal, String.valueOf(nodes[n].pid())));
        if (signal.equals("KILL")) {
            nodes[n].waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** An echo target where clients live, answering with its banner line first. */
    int target(String banner) throws Exception {
        int port = network.freeClientPort();
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx32m", "-cp",
                System.getProperty("java.class.path"), TcpTarget.class.getName(), banner, String.valueOf(port));
        Process process = new ProcessBuilder(network.onClients(command)).redirectErrorStream(true).start();
        targets.add(process);
        Await.until("the target " + banner, Duration.ofSeconds(30), () -> {
            try {
                return process.getInputStream().available() > 0 || !process.isAlive();
            } catch (IOException e) {
                return false;
            }
        });
        return port;
    }

    /**
     * A listening client: {@code ssh -N -R 22:127.0.0.1:PORT} as {@code role} on node {@code n}'s port, or at
     * {@code host:port} (a load balancer); with {@code autossh}, kept up across disconnections.
     */
    SshProcess listener(String role, String host, int port, int targetPort, boolean autossh) throws IOException {
        List<String> command = new ArrayList<>();
        if (autossh) {
            // Gives a silent node up within seconds and reconnects, as an unattended gateway should.
            command.addAll(List.of("env", "AUTOSSH_GATETIME=0", "AUTOSSH_POLL=5", "autossh", "-M", "0",
                    "-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2"));
        } else {
            // The README's keepalive: a node paused for less than 90 s keeps its clients.
            command.addAll(List.of("ssh", "-o", "ServerAliveInterval=30", "-o", "ServerAliveCountMax=3"));
        }
        command.addAll(List.of("-F", dir.resolve("ssh_config").toString(), "-i", key(role).toString(),
                "-o", "ExitOnForwardFailure=yes", "-N", "-R", "22:127.0.0.1:" + targetPort,
                "-p", String.valueOf(port), "-l", role, host));
        SshProcess process = SshProcess.start(dir, network.onClients(command), null);
        clients.add(process);
        return process;
    }

    int sshPort(int n) {
        return sshPorts[n];
    }

    String host(int n) {
        return network.host(n);
    }

    /** A relay command ({@code list}, {@code whoami}) on {@code host:port}, as {@code role}. */
    List<String> ssh(String role, String host, int port, String... remoteCommand) {
        List<String> command = sshTo(role, port);
        command.add(host);
        command.addAll(List.of(remoteCommand));
        return network.onClients(command);
    }

    /** A circuit, {@code ssh -W target}, through {@code host:port}, as {@code role}. */
    List<String> circuit(String role, String host, int port, String target) {
        List<String> command = sshTo(role, port);
        command.addAll(List.of("-W", target, host));
        return network.onClients(command);
    }

    private List<String> sshTo(String role, int port) {
        return new ArrayList<>(List.of("ssh", "-F", dir.resolve("ssh_config").toString(), "-i", key(role).toString(),
                "-p", String.valueOf(port), "-l", role));
    }

    SshProcess run(List<String> command, String stdin) throws Exception {
        Path input = Files.createTempFile(dir, "stdin", ".txt");
        Files.writeString(input, stdin);
        SshProcess process = SshProcess.start(dir, command, input);
        process.waitFor(Duration.ofSeconds(30));
        return process;
    }

    /** A process kept running, stdin open: a circuit that stays up until the test ends it. */
    SshProcess open(List<String> command) throws IOException {
        SshProcess process = SshProcess.start(dir, command, null);
        clients.add(process);
        return process;
    }

    /** The connect names node {@code n} lists, or empty if it does not answer. */
    Optional<TreeSet<String>> list(int n) {
        try {
            SshProcess list = run(ssh("alice", host(n), sshPorts[n], "list"), "");
            if (list.process().exitValue() != 0) {
                return Optional.empty();
            }
            TreeSet<String> names = new TreeSet<>();
            // A header row, or the one line "no listening clients".
            list.stdout().lines().skip(1).map(line -> line.split("\\s+")[0]).forEach(names::add);
            return Optional.of(names);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The short id of the node that node {@code n} says holds {@code name}: the NODE column of its list. */
    Optional<String> holder(int n, String name) throws Exception {
        SshProcess list = run(ssh("alice", host(n), sshPorts[n], "list"), "");
        return list.stdout().lines().map(line -> line.split("\\s+")).filter(row -> row[0].equals(name))
                .map(row -> row[row.length - 1]).findFirst();
    }

    /** Which node has short id {@code shortId}, or 0. */
    int nodeWithShortId(String shortId) {
        for (int n = 1; n <= count; n++) {
            if (shortId(n).equals(shortId)) {
                return n;
            }
        }
        return 0;
    }

    /** Whether a circuit to {@code name:22} through node {@code n} reaches its target and echoes. */
    boolean reaches(int n, String name) {
        try {
            SshProcess circuit = run(circuit("alice", host(n), sshPorts[n], name + ":22"), "ping\n");
            return circuit.process().exitValue() == 0 && circuit.stdout().equals(name + "\nping\n");
        } catch (Exception e) {
            return false;
        }
    }

    /** {@code whoami}'s node line on node {@code n}: its view of the cluster. */
    String whoamiNode(int n) throws Exception {
        SshProcess whoami = run(ssh("alice", host(n), sshPorts[n], "whoami"), "");
        return whoami.stdout().lines().filter(line -> line.startsWith("node: ")).findFirst().orElse("");
    }

    private boolean allSee(int members) {
        for (int n = 1; n <= count; n++) {
            try {
                if (!whoamiNode(n).contains(", one of " + members + ":")) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every node lists exactly {@code names} (no ghost, no {@code ~N}) and reaches each of them, and
     * returns how long that took from {@code since}.
     */
    Duration awaitConvergence(TreeSet<String> names, long since, Duration bound) {
        List<String> last = new ArrayList<>();
        try {
            Await.until("every node to list " + names + " and reach each", bound, () -> {
                last.clear();
                boolean converged = true;
                for (int n = 1; n <= count; n++) {
                    Optional<TreeSet<String>> listed = list(n);
                    last.add("node" + n + ": " + listed.map(Object::toString).orElse("no answer"));
                    converged &= listed.map(names::equals).orElse(false);
                }
                if (!converged) {
                    return false;
                }
                for (int n = 1; n <= count; n++) {
                    for (String name : names) {
                        if (!reaches(n, name)) {
                            last.add("node" + n + " does not reach " + name);
                            return false;
                        }
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen " + last + logTails(), e);
        }
        return Duration.ofNanos(System.nanoTime() - since);
    }

    String logTails() {
        StringBuilder text = new StringBuilder();
        for (int n = 1; n <= count; n++) {
            // The convergence polls' own sessions would push every cluster line out of the tail.
            List<String> lines = log(n).lines()
                    .filter(line -> !line.contains("SessionTracker:") && !line.contains("RelayCommand:")).toList();
            text.append("\n--- end of node").append(n).append(".log, without client sessions\n");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> text.append(l).append('\n'));
        }
        return text.toString();
    }

    @Override
    public void close() {
        clients.forEach(SshProcess::close);
        for (Process target : targets) {
            target.destroyForcibly();
        }
        for (int n = 1; n <= count; n++) {
            if (nodes[n] != null && nodes[n].isAlive()) {
                nodes[n].destroyForcibly();
                try {
                    nodes[n].waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        network.close();
    }
}
