package org.nuttssh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nuttssh.testing.FreePorts;

/**
 * Three relay JVMs and HAProxy started by {@code scripts/local-cluster.sh} on ports picked at run time, with a cluster
 * name and Hazelcast ports of their own, so that the test neither collides with nor joins anything else running here.
 * The nodes run from the test's own class path, so nothing has to be packaged first. Nodes are numbered 1 to 3.
 */
final class ClusterScript implements AutoCloseable {

    private static final Path SCRIPT = Path.of("scripts", "local-cluster.sh").toAbsolutePath();
    /** Three JVMs joining Hazelcast one after another on two busy cores; the script's own bound is the same. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The flags the jar's manifest gives Hazelcast; a plain class path run needs them spelled out. The pom keeps the
     * list and hands it to the tests in this property.
     */
    static final List<String> HAZELCAST_JVM_FLAGS = List.of(
            System.getProperty("nuttssh.test.jvm.flags", "").trim().split("\\s+"));
    private static final List<String> PROCESSES = List.of("haproxy", "node1", "node2", "node3");
    private static final Pattern LISTENING = Pattern.compile("nuttssh listening on \\S+ port (\\d+) \\(node ([0-9a-f-]+)");

    private final Path stateDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final int[] nodePorts = new int[3];
    private final int[] pinnedPorts = new int[3];
    private final int lbPort;

    /** Nodes with --proxy-protocol behind HAProxy sending the header, as the script does by default. */
    ClusterScript(Path stateDir, Path hostKey, Path authorizedKeys) throws IOException {
        this.stateDir = stateDir;
        int[] ports = FreePorts.tcp(7);
        System.arraycopy(ports, 0, nodePorts, 0, 3);
        System.arraycopy(ports, 3, pinnedPorts, 0, 3);
        lbPort = ports[6];
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(HAZELCAST_JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.nuttssh.cli.Main"));
        for (String part : command) {
            if (part.isEmpty() || part.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalStateException("the script splits NUTTSSH_CMD on spaces; cannot pass: " + part);
            }
        }
        env.put("NUTTSSH_CMD", String.join(" ", command));
        env.put("NUTTSSH_PORTS", join(nodePorts));
        env.put("NODE_LB_PORTS", join(pinnedPorts));
        env.put("LB_BIND", "127.0.0.1");
        env.put("LB_PORT", String.valueOf(lbPort));
        env.put("CLUSTER_NAME", "nuttssh-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16));
        env.put("CLUSTER_PORT", String.valueOf(ClusterNetwork.Loopback.freeHazelcastBase()));
        env.put("PROXY_PROTOCOL", "1");
        env.put("STATE_DIR", stateDir.toString());
        env.put("HOST_KEY", hostKey.toString());
        env.put("AUTHORIZED_KEYS", authorizedKeys.toString());
        env.put("START_TIMEOUT", String.valueOf(START_TIMEOUT.toSeconds() - 10));
        env.put("STOP_TIMEOUT", "10");
    }

    int lbPort() {
        return lbPort;
    }

    /** The SSH port of node {@code n} itself. */
    int nodePort(int n) {
        return nodePorts[n - 1];
    }

    /** HAProxy's frontend that always goes to node {@code n}, PROXY header included. */
    int pinnedPort(int n) {
        return pinnedPorts[n - 1];
    }

    /** {@code scripts/local-cluster.sh start}; fails with its output and the logs' ends if it does. */
    String start() throws IOException, InterruptedException {
        Result result = run("start", START_TIMEOUT);
        if (result.status != 0) {
            throw new AssertionError("local-cluster.sh start exited with " + result.status + ":\n" + result.output
                    + logTails());
        }
        return result.output;
    }

    Result status() throws IOException, InterruptedException {
        return run("status", STOP_TIMEOUT);
    }

    /**
     * {@code scripts/local-cluster.sh stop}; fails if that leaves any of the processes running, after killing them
     * so that nothing outlives the test either way.
     */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> started = new ArrayList<>();
        for (String name : PROCESSES) {
            pidOf(name).flatMap(ProcessHandle::of).ifPresent(started::add);
        }
        Result stop = null;
        try {
            stop = run("stop", STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // The script has seen them exit; until init reaps them (they are nobody's children any more), they
            // still count as alive here.
            List<ProcessHandle> left = new ArrayList<>();
            for (ProcessHandle process : started) {
                if (!exited(process, Duration.ofSeconds(10))) {
                    left.add(process);
                    process.destroyForcibly();
                    exited(process, Duration.ofSeconds(10));
                }
            }
            if (stop != null && (stop.status != 0 || !left.isEmpty())) {
                throw new AssertionError("local-cluster.sh stop exited with " + stop.status + " and left "
                        + left.stream().map(p -> p.pid() + " " + p.info().command().orElse("")).toList()
                        + " running:\n" + stop.output);
            }
        }
    }

    /** The node's full id, from its "listening" log line. */
    String nodeId(int n) throws IOException {
        Matcher matcher = LISTENING.matcher(log(n));
        if (!matcher.find()) {
            throw new AssertionError("node" + n + " has not logged that it listens:\n" + log(n));
        }
        return matcher.group(2);
    }

    /** The node's id as {@code list} shows it in the NODE column. */
    String shortId(int n) throws IOException {
        return nodeId(n).split("-")[0];
    }

    /** Which node has this short id (list's NODE column), or 0. */
    int nodeWithShortId(String shortId) throws IOException {
        for (int n = 1; n <= 3; n++) {
            if (shortId(n).equals(shortId)) {
                return n;
            }
        }
        return 0;
    }

    String log(int n) throws IOException {
        return read(stateDir.resolve("node" + n + ".log"));
    }

    /** SIGKILL to every process of the cluster still running, for a JVM shutdown hook: no waiting, no script. */
    void killAll() {
        for (String name : PROCESSES) {
            pidOf(name).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** HAProxy's log: one line per connection when it ends, naming frontend and backend/server. */
    String haproxyLog() throws IOException {
        return read(stateDir.resolve("haproxy.log"));
    }

    /** SIGKILL: the node gets no chance to withdraw its names or close anything. */
    void kill(int n) throws InterruptedException {
        ProcessHandle node = pidOf("node" + n).flatMap(ProcessHandle::of)
                .orElseThrow(() -> new AssertionError("node" + n + " is not running"));
        node.destroyForcibly();
        node.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    }

    String logTails() {
        StringBuilder text = new StringBuilder();
        for (String name : PROCESSES) {
            try {
                List<String> lines = read(stateDir.resolve(name + ".log")).lines().toList();
                text.append("\n--- end of ").append(name).append(".log\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(line -> text.append(line).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                text.append("\n--- no ").append(name).append(".log: ").append(e.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    record Result(int status, String output) {
    }

    private Result run(String command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile(stateDir.getParent(), "local-cluster-" + command, ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("local-cluster.sh " + command + " did not finish within " + timeout + ":\n"
                    + read(output) + logTails());
        }
        return new Result(process.exitValue(), read(output));
    }

    private Optional<Long> pidOf(String name) {
        try {
            String text = Files.readString(stateDir.resolve(name + ".pid"), StandardCharsets.UTF_8).trim();
            return Optional.of(Long.parseLong(text.split("\\s+")[0]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the process ends within the timeout. */
    private static boolean exited(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String join(int[] ports) {
        StringBuilder text = new StringBuilder();
        for (int port : ports) {
            text.append(text.length() == 0 ? "" : " ").append(port);
        }
        return text.toString();
    }
}
