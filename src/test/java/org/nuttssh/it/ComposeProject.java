package org.nuttssh.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's docker-compose.yml, run as a user would from a directory of their own (a copy of the file and of
 * scripts/haproxy.cfg, their host key and authorized_keys), under a project name of its own on a real Docker engine,
 * with Debian's docker-compose. Everything it makes carries the project's label, so {@link #leftovers} can prove
 * that {@link #down} removed it all.
 */
final class ComposeProject implements AutoCloseable {

    static final String RELAY = "relay";
    static final String HAPROXY = "haproxy";
    /** The metrics and health port the image sets (NUTTSSH_METRICS_PORT in the Dockerfile). */
    static final int METRICS_PORT = 9878;
    /** Creating, starting or removing containers; a scale-down waits for the relays' graceful stop. */
    private static final Duration COMPOSE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern NODE_ID = Pattern.compile("joined cluster '[^']*' as node ([0-9a-f-]+)");

    private final Path dir;
    private final String name;
    private final Map<String, String> env = new HashMap<>();

    /**
     * @param repo    the repository, whose docker-compose.yml and scripts/haproxy.cfg are copied
     * @param dir     the user's directory, holding ssh_host_key and authorized_keys already
     * @param publish where HAProxy's port is published on the host, as {@code 127.0.0.1:PORT}
     * @param subnet  the compose network's subnet, one no other network of this host uses
     */
    ComposeProject(Path repo, Path dir, String name, String publish, String subnet) throws IOException {
        this.dir = dir;
        this.name = name;
        Files.copy(repo.resolve("docker-compose.yml"), dir.resolve("docker-compose.yml"));
        Files.createDirectories(dir.resolve("scripts"));
        Files.copy(repo.resolve("scripts/haproxy.cfg"), dir.resolve("scripts/haproxy.cfg"));
        env.put("RELAY_PUBLISH", publish);
        env.put("RELAY_SUBNET", subnet);
    }

    String name() {
        return name;
    }

    /** Runs NUTTSSH_UID's nodes as that user (the owner of the host key). */
    void runAs(long uid) {
        env.put("NUTTSSH_UID", String.valueOf(uid));
    }

    void up(int relays) throws IOException, InterruptedException {
        compose("up", "-d", "--no-build", "--scale", RELAY + "=" + relays);
    }

    /** Removes the containers, the network and the certs volume; safe to call twice. */
    void down() throws IOException, InterruptedException {
        compose("down", "-v", "--remove-orphans", "-t", "10");
    }

    /** The relay containers by id, running or not, in compose's order. */
    List<String> relays() throws IOException, InterruptedException {
        return compose("ps", "-q", RELAY).lines().filter(l -> !l.isBlank()).toList();
    }

    String haproxy() throws IOException, InterruptedException {
        return compose("ps", "-q", HAPROXY).strip();
    }

    String address(String container) throws IOException, InterruptedException {
        return docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container).strip();
    }

    boolean running(String container) throws IOException, InterruptedException {
        return docker("inspect", "-f", "{{.State.Running}}", container).strip().equals("true");
    }

    /** The relay's node id, from its log line on joining, once it has joined. */
    Optional<String> nodeId(String container) throws IOException, InterruptedException {
        Matcher joined = NODE_ID.matcher(docker("logs", container));
        return joined.find() ? Optional.of(joined.group(1)) : Optional.empty();
    }

    /** What every relay container has logged so far. */
    String relayLogs() throws IOException, InterruptedException {
        return compose("logs", "--no-color", RELAY);
    }

    /** SIGKILL: the node gets no chance to withdraw its names or close anything. */
    void kill(String container) throws IOException, InterruptedException {
        docker("kill", container);
    }

    /**
     * An HTTP/1.0 GET of a relay's metrics port from inside the compose network (the port is not published): from
     * the HAProxy container, with bash's /dev/tcp. The status line, headers and body.
     */
    String httpGet(String relay, String path) throws IOException, InterruptedException {
        String request = "exec 3<>/dev/tcp/" + address(relay) + "/" + METRICS_PORT
                + " && printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
        return docker("exec", haproxy(), "bash", "-c", request);
    }

    /** What Docker still holds of this project: containers, networks and volumes with its label. */
    String leftovers() throws IOException, InterruptedException {
        String label = "label=com.docker.compose.project=" + name;
        return (docker("ps", "-aq", "--filter", label) + docker("network", "ls", "-q", "--filter", label)
                + docker("volume", "ls", "-q", "--filter", label)).strip();
    }

    /** The last lines of every container's log, for a failure message. */
    String logTails() {
        try {
            return "\n--- compose logs\n" + compose("logs", "--no-color", "--tail", "40");
        } catch (IOException | InterruptedException | AssertionError e) {
            return "\n--- no compose logs: " + e;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        down();
    }

    private String compose(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-p", name, "-f",
                dir.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(arguments));
        return run(command, COMPOSE_TIMEOUT);
    }

    private String docker(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        return run(command, DOCKER_TIMEOUT);
    }

    /** Runs a command to its end; its output, or an assertion failure with the output. */
    private String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "docker", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeout + ":\n" + read(output));
            }
            String text = read(output);
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed with status " + process.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
