package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.ssh.transport.HostKeys;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.SshKeygen;

/**
 * A relay started in-process on a random loopback port, client keys made with the real {@code ssh-keygen}, and an
 * ssh_config so that the real {@code ssh} (including the extra one {@code -J} spawns) uses the right key for each
 * role: {@code relay-NAME} logs in as NAME with key NAME.
 *
 * <p>A JUnit extension: register it as a field ({@code @RegisterExtension final RelayFixture relay = new
 * RelayFixture();}); each test gets a fresh directory, and after the test everything started through the fixture is
 * stopped, in reverse order, and the directory removed. A test's {@code @BeforeEach} configures and starts it.
 */
final class RelayFixture implements BeforeEachCallback, AfterEachCallback {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How every test's OpenSSH client behaves, inside a {@code Host} block: no prompts, no shared connections. */
    static final String CLIENT_OPTIONS = """
              GlobalKnownHostsFile /dev/null
              BatchMode yes
              IdentitiesOnly yes
              LogLevel INFO
              ConnectTimeout 10
              ControlPath none
              UpdateHostKeys no
            """;
    /** {@link #CLIENT_OPTIONS} for every host, with no host key checks. */
    static final String CLIENT_DEFAULTS = """
            Host *
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
            """ + CLIENT_OPTIONS;

    private Path dir;
    private final Map<String, Path> keys = new LinkedHashMap<>();
    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private Relay server;
    /** The relay's SSH port, in-process or in a child JVM. */
    private int port;
    private Duration keepAliveInterval = Duration.ofSeconds(30);
    private int keepAliveCount = 3;
    /**
     * Tests fail logins from one address on purpose, several in a row, which per-source penalties would soon answer
     * by refusing that address; a test of the penalties turns them on.
     */
    private Consumer<RelayConfig.Builder> configuration = config -> config.perSourcePenalties(PerSourcePenalties.OFF);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("nuttssh-it-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            close();
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    Path dir() {
        return dir;
    }

    RelayFixture keepAlive(Duration interval, int count) {
        this.keepAliveInterval = interval;
        this.keepAliveCount = count;
        return this;
    }

    /** Changes the relay's settings before it starts, e.g. {@code c -> c.limits(...)}. */
    RelayFixture configure(Consumer<RelayConfig.Builder> change) {
        configuration = configuration.andThen(change);
        return this;
    }

    /** The private key file for a role, created on first use (ed25519). */
    Path key(String name) throws IOException, InterruptedException {
        return key(name, "ed25519");
    }

    /** The private key file for a role, created on first use as a key of {@code type} (ssh-keygen -t). */
    Path key(String name, String type) throws IOException, InterruptedException {
        Path key = keys.get(name);
        if (key == null) {
            key = dir.resolve("key-" + name);
            SshKeygen.generate(key, type, name);
            keys.put(name, key);
            if (port != 0) {
                writeSshConfig();
            }
        }
        return key;
    }

    /** The public key line for a role, as it would go into authorized_keys. */
    String publicKey(String name) throws IOException, InterruptedException {
        return Files.readString(Path.of(key(name) + ".pub"), StandardCharsets.UTF_8).trim();
    }

    /**
     * Starts the relay. Each line is an authorized_keys line in which {@code {NAME}} stands for that role's public
     * key, e.g. {@code access="listen" {gw}}.
     */
    Relay start(String... authorizedLines) throws Exception {
        Path hostKey = hostKeyAndAuthorizedKeys(authorizedLines);
        Path authorizedKeys = dir.resolve("authorized_keys");
        RelayConfig.Builder config = RelayConfig.builder().bind("127.0.0.1").port(0).hostKey(hostKey)
                .authorizedKeys(authorizedKeys).keepAlive(keepAliveInterval, keepAliveCount);
        configuration.accept(config);
        RelayConfig built = config.build();
        server = Relay.start(built, HostKeys.load(hostKey, built.certificates().hostCertificate()),
                AuthorizedKeys.load(authorizedKeys));
        port = server.port();
        writeSshConfig();
        return server;
    }

    /**
     * Starts the relay as an operator would, {@code java ... org.nuttssh.cli.Main} in a child JVM, on a free loopback
     * port with this fixture's files, plus {@code flags}. {@link #server()} stays null; the process is stopped at
     * {@link #close()} if it is still running.
     */
    RelayProcess startProcess(List<String> flags, String... authorizedLines) throws Exception {
        return startProcess(List.of(), flags, authorizedLines);
    }

    /** @param wrapper a command that runs the relay's command line, given as its arguments */
    RelayProcess startProcess(List<String> wrapper, List<String> flags, String... authorizedLines) throws Exception {
        Path hostKey = hostKeyAndAuthorizedKeys(authorizedLines);
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0",
                "--host-key", hostKey.toString(), "--authorized-keys", dir.resolve("authorized_keys").toString()));
        args.addAll(flags);
        RelayProcess process = RelayProcess.start(dir, wrapper, args);
        cleanups.add(process);
        port = process.sshPort(TIMEOUT);
        writeSshConfig();
        return process;
    }

    private Path hostKeyAndAuthorizedKeys(String... authorizedLines) throws Exception {
        Path hostKey = hostKey();
        writeAuthorizedKeys(authorizedLines);
        return hostKey;
    }

    /** The relay's host key, created on first use (before {@link #start}, to certify it). */
    Path hostKey() throws IOException, InterruptedException {
        return new SshKeygen(dir).key("ssh_host_key");
    }

    /**
     * Signs the role's key with a CA's key, its key ID the role ({@link SshKeygen#certify}), which writes
     * {@code key-ROLE-cert.pub}: ssh then offers the certificate before the key.
     */
    Path certify(String role, Path caKey, String... options) throws IOException, InterruptedException {
        return SshKeygen.certify(key(role), caKey, role, options);
    }

    void writeAuthorizedKeys(String... authorizedLines) throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        for (String line : authorizedLines) {
            String expanded = line;
            for (int open; (open = expanded.indexOf('{')) >= 0; ) {
                int close = expanded.indexOf('}', open);
                String role = expanded.substring(open + 1, close);
                expanded = expanded.substring(0, open) + publicKey(role) + expanded.substring(close + 1);
            }
            text.append(expanded).append('\n');
        }
        Files.writeString(dir.resolve("authorized_keys"), text.toString(), StandardCharsets.UTF_8);
    }

    /** The role's key with its certificate, as PuTTY keeps them: {@code puttygen ... --certificate}. */
    Path puttyKey(String role) throws IOException, InterruptedException {
        Path ppk = dir.resolve(role + ".ppk");
        exec(List.of("puttygen", key(role).toString(), "-O", "private", "-o", ppk.toString(), "--certificate",
                key(role) + "-cert.pub"));
        return ppk;
    }

    /**
     * {@code plink OPTIONS 127.0.0.1 [COMMAND]} to this relay as {@code user} with a .ppk key, trusting the relay's
     * host key by its fingerprint.
     */
    List<String> plink(Path ppk, String user, List<String> options, String remoteCommand)
            throws IOException, InterruptedException {
        String hostKey = SshKeygen.fingerprint(hostKey());
        List<String> command = new ArrayList<>(List.of("plink", "-ssh", "-batch", "-P", String.valueOf(port), "-l",
                user, "-i", ppk.toString(), "-hostkey", hostKey));
        command.addAll(options);
        command.add("127.0.0.1");
        if (remoteCommand != null) {
            command.add(remoteCommand);
        }
        return command;
    }

    Relay server() {
        return server;
    }

    int port() {
        return port;
    }

    Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    /** {@code ssh -F config ARGS...}; use host {@code relay-ROLE} to log in to the relay as that role. */
    List<String> ssh(String... args) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", sshConfig().toString()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    SshProcess start(List<String> command) throws IOException {
        return start(command, null);
    }

    SshProcess start(List<String> command, Path stdin) throws IOException {
        SshProcess process = SshProcess.start(dir, command, stdin);
        cleanups.add(process);
        return process;
    }

    /** Runs a command to its end; stdin is empty. */
    SshProcess run(List<String> command) throws IOException, InterruptedException {
        Path empty = dir.resolve("empty-stdin");
        if (!Files.exists(empty)) {
            Files.createFile(empty);
        }
        return run(command, empty);
    }

    /** Runs a command to its end, reading stdin from a file. */
    SshProcess run(List<String> command, Path stdin) throws IOException, InterruptedException {
        SshProcess process = start(command, stdin);
        process.waitFor(TIMEOUT);
        return process;
    }

    /**
     * Starts a listening client {@code ssh -N -R ...} as {@code user} with the role's key, and waits until the
     * relay has registered every forwarded port under {@code expectedName}.
     */
    SshProcess listener(String role, String user, String expectedName, String... forwards) throws Exception {
        return listener(List.of(), role, user, expectedName, forwards);
    }

    /** Like {@link #listener(String, String, String, String...)}, with more ssh options first. */
    SshProcess listener(List<String> options, String role, String user, String expectedName, String... forwards)
            throws Exception {
        List<String> command = new ArrayList<>(ssh(options.toArray(String[]::new)));
        command.addAll(List.of("-N", "-o", "ExitOnForwardFailure=yes", "-l", user));
        for (String forward : forwards) {
            command.add("-R");
            command.add(forward);
        }
        command.add("relay-" + role);
        SshProcess process = start(command);
        List<Integer> ports = Arrays.stream(forwards).map(f -> Integer.parseInt(f.split(":")[0])).toList();
        await("listener " + expectedName + " on " + ports + " (" + process + ")", () -> {
            if (!process.isAlive()) {
                return true; // reported below
            }
            return newestRecord(expectedName).map(r -> r.ports().keySet().containsAll(ports)).orElse(false);
        });
        if (!process.isAlive()) {
            fail("listener exited early: " + process + "\nstderr: " + process.stderr());
        }
        return process;
    }

    Optional<ListenerRecord> newestRecord(String name) {
        return server.registry().resolve(name, 0).toCompletableFuture().join();
    }

    void awaitGone(String name) throws InterruptedException {
        await("name " + name + " to be withdrawn", () -> newestRecord(name).isEmpty());
    }

    /** Like {@link #await(String, BooleanSupplier)}, failing with its stderr as soon as {@code process} exits. */
    static void await(SshProcess process, String what, BooleanSupplier condition) throws Exception {
        await(what, () -> condition.getAsBoolean() || !process.isAlive());
        if (!process.isAlive() && !condition.getAsBoolean()) {
            fail("while waiting for " + what + ", exited: " + process + "\nstderr: " + process.stderr());
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, TIMEOUT, condition);
    }

    void onClose(AutoCloseable cleanup) {
        cleanups.add(cleanup);
    }

    /** A TCP target that is closed with this fixture. */
    TcpTarget target(String banner, TcpTarget.Mode mode) throws IOException {
        TcpTarget target = new TcpTarget(banner, mode);
        onClose(target);
        return target;
    }

    private void writeSshConfig() throws IOException {
        StringBuilder config = new StringBuilder();
        keys.forEach((role, key) -> config.append("Host relay-").append(role).append('\n')
                .append("  HostName 127.0.0.1\n")
                .append("  Port ").append(port).append('\n')
                .append("  User ").append(role).append('\n')
                .append("  IdentityFile ").append(key).append('\n'));
        config.append(CLIENT_DEFAULTS);
        Files.writeString(sshConfig(), config.toString(), StandardCharsets.UTF_8);
    }

    static void exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(command + " failed: " + output);
        }
    }

    private void close() throws Exception {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            cleanups.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }
}
