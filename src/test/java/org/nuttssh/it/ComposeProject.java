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
 * the scripts it mounts, their host key and authorized_keys), under a project name of its own on a real Docker
 * engine, with Debian's docker-compose. Everything it makes carries the project's label, so {@link #leftovers} can
 * prove that {@link #down} removed it all. The replicas are the services relay1, relay2, ..., each with a
 * certificate of its own; {@link #addReplicas} adds some as the README tells a user to.
 */
final class ComposeProject implements AutoCloseable {

    /** The replicas' services: relay and a number. */
    private static final Pattern REPLICA = Pattern.compile("relay[0-9]+");
    /** The one-shot service that issues the replicas' certificates (scripts/compose-certs.sh). */
    static final String CERTS = "certs";
    static final String HAPROXY = "haproxy";
    /** The metrics and health port the image sets (NUTTSSH_METRICS_PORT in the Dockerfile). */
    static final int METRICS_PORT = 9878;
    /** Creating, starting or removing containers; a scale-down waits for the relays' graceful stop. */
    private static final Duration COMPOSE_TIMEOUT = Duration.ofSeconds(120);
    /**
     * scripts/compose-rolling-update.sh over three replicas: each new one up to its HEALTH_TIMEOUT (180 s), each old
     * one's drain up to its STOP_TIMEOUT (75 s).
     */
    private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(13);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern NODE_ID = Pattern.compile("joined cluster '[^']*' as node ([0-9a-f-]+)");

    private final Path repo;
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
        this.repo = repo;
        this.dir = dir;
        this.name = name;
        Files.copy(repo.resolve("docker-compose.yml"), dir.resolve("docker-compose.yml"));
        Files.createDirectories(dir.resolve("scripts"));
        Files.copy(repo.resolve("scripts/haproxy.cfg"), dir.resolve("scripts/haproxy.cfg"));
        Files.copy(repo.resolve("scripts/compose-certs.sh"), dir.resolve("scripts/compose-certs.sh"));
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

    /** Starts what the compose file holds, and removes the replicas it no longer does. */
    void up() throws IOException, InterruptedException {
        compose("up", "-d", "--no-build", "--remove-orphans");
    }

    /**
     * Edits the compose file as the README says for more replicas: a service each, like relay1 but with its own
     * volume, and that volume mounted in the certs service, which issues its certificate at the next {@link #up}.
     */
    void addReplicas(List<String> replicas) throws IOException {
        String file = Files.readString(dir.resolve("docker-compose.yml"));
        StringBuilder services = new StringBuilder();
        StringBuilder mounts = new StringBuilder();
        StringBuilder volumes = new StringBuilder();
        for (String replica : replicas) {
            services.append("  ").append(replica).append(":\n    <<: *relay\n    volumes:\n")
                    .append("      - ./ssh_host_key:/etc/nuttssh/ssh_host_key:ro\n")
                    .append("      - ./authorized_keys:/etc/nuttssh/authorized_keys:ro\n")
                    .append("      - cluster:/etc/nuttssh/cluster:ro\n")
                    .append("      - ").append(replica).append(":/etc/nuttssh/node:ro\n");
            mounts.append("      - ").append(replica).append(":/nodes/").append(replica).append("\n");
            volumes.append("  ").append(replica).append(": {}\n");
        }
        file = insertAfter(file, "\n  relay3:\n", "\n\n", services.toString());
        file = insertAfter(file, "      - relay3:/nodes/relay3\n", "", mounts.toString());
        file = insertAfter(file, "\n  relay3: {}\n", "", volumes.toString());
        Files.writeString(dir.resolve("docker-compose.yml"), file);
    }

    /**
     * Takes the replicas' services out of the compose file again (the next {@link #up} removes their containers);
     * their volumes stay declared, so that {@link #down} removes them.
     */
    void removeReplicaServices(List<String> replicas) throws IOException {
        String file = Files.readString(dir.resolve("docker-compose.yml"));
        for (String replica : replicas) {
            Matcher service = Pattern.compile("\n  " + replica + ":\n(    .*\n)*").matcher(file);
            if (!service.find()) {
                throw new AssertionError("no service " + replica + " in the compose file:\n" + file);
            }
            file = file.substring(0, service.start() + 1) + file.substring(service.end());
        }
        Files.writeString(dir.resolve("docker-compose.yml"), file);
    }

    /** {@code text} with {@code insert} after the first {@code marker} and then up to the next {@code until}. */
    private static String insertAfter(String text, String marker, String until, String insert) {
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new AssertionError("no '" + marker.strip() + "' in the compose file:\n" + text);
        }
        at += marker.length();
        if (!until.isEmpty()) {
            at = text.indexOf(until, at) + 1;
        }
        return text.substring(0, at) + insert + text.substring(at);
    }

    /** {@code docker compose run --rm certs ARGUMENTS}: the issuing step again, e.g. {@code --revoke relay2}. */
    String certs(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("run", "--rm", CERTS));
        command.addAll(List.of(arguments));
        return compose(command.toArray(String[]::new));
    }

    /**
     * scripts/compose-rolling-update.sh of the repository, run next to the compose file with this project's
     * compose command and settings; its output.
     */
    String rollingUpdate() throws IOException, InterruptedException {
        Map<String, String> script = new HashMap<>(env);
        script.put("COMPOSE", String.join(" ", composeCommand()));
        return run(List.of("bash", repo.resolve("scripts/compose-rolling-update.sh").toString()), script,
                ROLL_TIMEOUT);
    }

    /** Removes the containers, the network and the certs volume; safe to call twice. */
    void down() throws IOException, InterruptedException {
        compose("down", "-v", "--remove-orphans", "-t", "10");
    }

    /** The relay containers by id, running or not, of every replica's service. */
    List<String> relays() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ps", "-q"));
        command.addAll(replicaServices());
        return compose(command.toArray(String[]::new)).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The replicas' services in the compose file: relay1, relay2, ... */
    List<String> replicaServices() throws IOException, InterruptedException {
        return compose("config", "--services").lines().filter(s -> REPLICA.matcher(s).matches()).toList();
    }

    /** The compose service a container belongs to. */
    String service(String container) throws IOException, InterruptedException {
        return docker("inspect", "-f", "{{index .Config.Labels \"com.docker.compose.service\"}}", container).strip();
    }

    /** A file in a container, as its user reads it. */
    String read(String container, String file) throws IOException, InterruptedException {
        return docker("exec", container, "cat", file);
    }

    /** Every file of this name anywhere in a container's file system, as its user finds them. */
    List<String> find(String container, String fileName) throws IOException, InterruptedException {
        return docker("exec", container, "sh", "-c", "find / -path /proc -prune -o -path /sys -prune -o -name "
                + fileName + " -print 2>/dev/null || true").lines().filter(l -> !l.isBlank()).toList();
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
        List<String> command = new ArrayList<>(List.of("logs", "--no-color"));
        command.addAll(replicaServices());
        return compose(command.toArray(String[]::new));
    }

    /** {@code docker compose stop SERVICE}: SIGTERM, a drain, within the service's stop_grace_period. */
    void stop(String service) throws IOException, InterruptedException {
        compose("stop", service);
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

    private List<String> composeCommand() {
        return List.of("docker-compose", "--ansi", "never", "-p", name, "-f",
                dir.resolve("docker-compose.yml").toString());
    }

    private String compose(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(composeCommand());
        command.addAll(List.of(arguments));
        return run(command, env, COMPOSE_TIMEOUT);
    }

    private String docker(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        return run(command, env, DOCKER_TIMEOUT);
    }

    /** Runs a command to its end; its output, or an assertion failure with the output. */
    private String run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
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
