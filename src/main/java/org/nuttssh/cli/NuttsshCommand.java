package org.nuttssh.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.Relay;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.keys.AuthorizedKeysException;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.config.Limits;
import org.nuttssh.config.MemorySize;
import org.nuttssh.config.MetricsConfig;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.config.SettingException;
import org.nuttssh.config.SshAlgorithms;
import org.nuttssh.config.StartupException;
import org.nuttssh.ssh.transport.HostKeys;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code nuttssh} command: reads the settings, checks files, starts the relay and runs until stopped. */
@Command(name = "nuttssh", mixinStandardHelpOptions = true, versionProvider = NuttsshCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "SSH switchboard relay: clients register virtual remote forwards under their name; "
                + "other clients reach them by name with ssh -W, -L, -D or -J.")
final class NuttsshCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of settings named like these flags without the dashes (e.g. 'port: 2222'). "
                    + "Precedence: flag, then environment NUTTSSH_<SETTING>, then this file, then the default.")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = RelayConfig.DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_PORT,
            description = "SSH port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host-key", paramLabel = "FILE", defaultValue = RelayConfig.DEFAULT_HOST_KEY,
            description = "Private host key file (default: ${DEFAULT-VALUE}).")
    Path hostKey;

    @Option(names = "--authorized-keys", paramLabel = "FILE", defaultValue = RelayConfig.DEFAULT_AUTHORIZED_KEYS,
            description = "Client keys with access= options; re-read when it changes (default: ${DEFAULT-VALUE}).")
    Path authorizedKeys;

    @Option(names = "--revoked-keys", paramLabel = "FILE",
            description = "Revoked client keys and certificates: a KRL (ssh-keygen -k) or public keys one a line; "
                    + "re-read when it changes. If it cannot be read, no key may log in (default: none).")
    Path revokedKeys;

    @Option(names = "--disconnect-expired-certificates", arity = "0..1", paramLabel = "BOOL", defaultValue = "true",
            fallbackValue = "true",
            description = "Disconnect a client when its certificate expires; false keeps OpenSSH's behaviour, "
                    + "which checks it only at login (default: ${DEFAULT-VALUE}).")
    boolean disconnectExpiredCertificates;

    @Option(names = "--host-certificate", paramLabel = "FILE",
            description = "The host key's OpenSSH certificate (ssh-keygen -s CA -h), offered with the host key "
                    + "(default: none).")
    Path hostCertificate;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LogLevel logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (one line per event) or json (one JSON object per line) (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Option(names = "--keepalive-interval", paramLabel = "SECONDS",
            defaultValue = "" + RelayConfig.DEFAULT_KEEPALIVE_SECONDS,
            description = "Probe a client not heard from for this long; 0 disables (default: ${DEFAULT-VALUE}).")
    int keepAliveSeconds;

    @Option(names = "--keepalive-count", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_KEEPALIVE_COUNT,
            description = "Drop a client after this many unanswered probes (default: ${DEFAULT-VALUE}).")
    int keepAliveCount;

    @Option(names = "--ciphers", paramLabel = "LIST", defaultValue = "",
            description = "SSH ciphers, in the relay's order of preference: each client gets the first it has too. "
                    + "+LIST adds to the default, -LIST removes (wildcards allowed), ^LIST puts first "
                    + "(default: " + SshAlgorithms.DEFAULT_CIPHERS + ").")
    String ciphers;

    @Option(names = "--macs", paramLabel = "LIST", defaultValue = "",
            description = "SSH MACs, in the relay's order of preference; +, - and ^ as for --ciphers "
                    + "(default: " + SshAlgorithms.DEFAULT_MACS + ").")
    String macs;

    @Option(names = "--kex-algorithms", paramLabel = "LIST", defaultValue = "",
            description = "SSH key exchanges; the client chooses among them; +, - and ^ as for --ciphers "
                    + "(default: " + SshAlgorithms.DEFAULT_KEX_ALGORITHMS + ").")
    String kexAlgorithms;

    @Option(names = "--host-key-algorithms", paramLabel = "LIST", defaultValue = "",
            description = "Host key signatures; those the host key can make are offered; +, - and ^ as for --ciphers "
                    + "(default: " + SshAlgorithms.DEFAULT_HOST_KEY_ALGORITHMS + ").")
    String hostKeyAlgorithms;

    @Option(names = "--use-dns", arity = "0..1", paramLabel = "BOOL",
            description = "Resolve client addresses to host names for from= patterns, like OpenSSH's UseDNS.")
    boolean useDns;

    @Option(names = "--proxy-protocol", arity = "0..1", paramLabel = "BOOL",
            description = "Every connection starts with a PROXY v1 or v2 header (e.g. HAProxy send-proxy-v2); "
                    + "from= and logs use the client address it names. Connections without one are dropped.")
    boolean proxyProtocol;

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR[,CIDR...]", split = ",",
            description = "With --proxy-protocol: the proxies (addresses or CIDR blocks) whose PROXY headers are "
                    + "trusted; connections from any other peer are dropped. Required with --proxy-protocol.")
    List<String> proxyProtocolFrom = new ArrayList<>();

    @Option(names = "--reserved-names", arity = "0..1", paramLabel = "BOOL", defaultValue = "true",
            fallbackValue = "true",
            description = "A name given by hostname= or alias= in authorized_keys belongs to the lines that give it, "
                    + "and a name a cert-authority line's names= grants to that CA's certificates: no other key may "
                    + "listen under it, in any case (default: ${DEFAULT-VALUE}).")
    boolean reservedNames;

    @Option(names = "--metrics-port", paramLabel = "N",
            description = "Serve /metrics (Prometheus) and /health/live, /health/ready on this HTTP port; "
                    + "0 picks a free one (default: off).")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = MetricsConfig.DEFAULT_BIND,
            description = "Address for the metrics port (default: ${DEFAULT-VALUE}).")
    String metricsBind;

    @Option(names = "--event-webhook", paramLabel = "URL",
            description = "POST this node's events (connected, disconnected, circuit-opened, circuit-closed, refused) "
                    + "to this http(s) URL as JSON arrays, batched, retried with backoff; events the receiver cannot "
                    + "keep up with are dropped and counted (default: off).")
    String eventWebhook;

    @Mixin
    LimitOptions limits;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS",
            defaultValue = "" + RelayConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS,
            description = "On SIGTERM, let open circuits run this long before closing them (default: "
                    + "${DEFAULT-VALUE}); a second SIGTERM stops at once.")
    int shutdownGraceSeconds;

    @Option(names = "--presence-retention", paramLabel = "PERIOD", defaultValue = PresenceConfig.DEFAULT_RETENTION,
            description = "How long list --offline remembers a name after it was last connected: a number with d, h, "
                    + "m or s (default: ${DEFAULT-VALUE}).")
    String presenceRetention;

    @Option(names = "--presence-max-entries", paramLabel = "N", defaultValue = "" + PresenceConfig.DEFAULT_MAX_ENTRIES,
            description = "How many names gone it remembers at most; past it, the longest unseen go first "
                    + "(default: ${DEFAULT-VALUE}).")
    int presenceMaxEntries;

    @Option(names = "--drain-rate", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_DRAIN_RATE,
            description = "On SIGTERM, disconnect this many clients without open circuits per second, so that they "
                    + "reconnect to the other nodes at a pace those can take; 0 for all at once "
                    + "(default: ${DEFAULT-VALUE}).")
    int drainRate;

    @Option(names = "--reconnect-wait", paramLabel = "SECONDS",
            defaultValue = "" + RelayConfig.DEFAULT_RECONNECT_WAIT_SECONDS,
            description = "How long a circuit to a client that has just disconnected waits for it to reconnect (to "
                    + "any node) before it is refused, so that a client moving between nodes stays reachable; "
                    + "0 for no wait (default: ${DEFAULT-VALUE}).")
    long reconnectWaitSeconds;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--init",
            description = "First run: create the host key and an authorized_keys for your own public key "
                    + "(listen and initiate) when they do not exist, then start.")
    boolean init;

    private final PrintStream console;
    private final SettingSources sources;

    NuttsshCommand(PrintStream console, SettingSources sources) {
        this.console = console;
        this.sources = sources;
    }

    /**
     * The parser; usage errors and help go to {@code console} too.
     *
     * @param environment where {@code NUTTSSH_*} settings are read from
     */
    static CommandLine commandLine(PrintStream console, Map<String, String> environment) {
        SettingSources sources = new SettingSources(environment);
        CommandLine commandLine = new CommandLine(new NuttsshCommand(console, sources));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setDefaultValueProvider(sources);
        // Added after the default value provider, which must not fill cluster-certs' options from NUTTSSH_*.
        commandLine.addSubcommand(new CommandLine(new ClusterCertsCommand(console)));
        commandLine.setErr(new PrintWriter(console, true));
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, args) -> {
            // A bad value from the environment or the file: the usage text would not help, the one line does.
            if (e.getCause() instanceof SettingException || e.getCause() instanceof ConfigFileException) {
                console.println("nuttssh: " + e.getCause().getMessage());
                return ExitStatus.STARTUP_FAILED;
            }
            return usage.handleParseException(e, args);
        });
        return commandLine;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        logLevel.apply();
        logFormat.apply();
        for (String variable : unknownVariables()) {
            console.println("nuttssh: ignoring " + variable + ": no such setting");
        }
        Relay server;
        try {
            RelayConfig config = relayConfig();
            if (init) {
                FirstRun.prepare(hostKey, authorizedKeys, console);
            }
            KeyPairProvider hostKeys = HostKeys.load(hostKey, hostCertificate);
            AuthorizedKeys keys = AuthorizedKeys.load(authorizedKeys);
            server = Relay.start(config, hostKeys, keys);
            if (init) {
                FirstRun.explain(server.port(), console);
            }
        } catch (StartupException | AuthorizedKeysException | IllegalArgumentException e) {
            console.println("nuttssh: " + e.getMessage());
            return ExitStatus.STARTUP_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSignals.install(() -> {
            server.shutdown();
            stopped.countDown();
        }, status -> {
            flushLogs();
            Runtime.getRuntime().halt(status); // skips the hooks: Hazelcast's would leave the cluster slowly
        });
        // Any other way out of the JVM (SIGHUP, an error elsewhere, the launcher gone) still closes the server, at once.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "nuttssh-exit"));
        Launcher.stopWithLauncher();
        stopped.await();
        flushLogs();
        return ExitStatus.OK;
    }

    /** {@code NUTTSSH_*} environment variables that are not settings, most likely typos. */
    List<String> unknownVariables() {
        return sources.unknownVariables(spec);
    }

    /** The settings, checked; a bad value says where it came from. */
    RelayConfig relayConfig() throws StartupException {
        try {
            return RelayConfig.builder().bind(bind).port(port).hostKey(hostKey).authorizedKeys(authorizedKeys)
                    .keepAlive(Duration.ofSeconds(keepAliveSeconds), keepAliveCount).useDns(useDns)
                    .proxyProtocol(proxyProtocol).proxyProtocolFrom(proxyProtocolFrom).reservedNames(reservedNames)
                    .cluster(cluster.clusterConfig())
                    .algorithms(SshAlgorithms.parse(ciphers, macs, kexAlgorithms, hostKeyAlgorithms)).limits(limits.limits())
                    .perSourcePenalties(limits.perSourcePenalties())
                    .metrics(metricsPort == null ? null : new MetricsConfig(metricsBind, metricsPort))
                    .shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds)).drainRate(drainRate)
                    .reconnectWait(Duration.ofSeconds(reconnectWaitSeconds))
                    .certificates(new CertificateConfig(revokedKeys, disconnectExpiredCertificates, hostCertificate))
                    .presence(new PresenceConfig(PresenceConfig.parseRetention(presenceRetention), presenceMaxEntries))
                    .eventWebhook(eventWebhook)
                    .build();
        } catch (SettingException e) {
            throw e.from(sources.origin(e.setting(), spec.commandLine().getParseResult()));
        }
    }

    /**
     * The max-memory setting as the relay will read it (flag, environment, file, default). When the command line
     * is wrong, the default: the relay's JVM then reports what is wrong, with the right exit status.
     */
    static long maxMemory(String[] args) {
        try {
            CommandLine commandLine = commandLine(new PrintStream(OutputStream.nullOutputStream()), System.getenv());
            commandLine.parseArgs(args);
            return ((NuttsshCommand) commandLine.getCommand()).limits.maxMemory();
        } catch (RuntimeException e) {
            return MemorySize.parse("max-memory", Limits.DEFAULT_MAX_MEMORY, Limits.MIN_MAX_MEMORY);
        }
    }

    /** Writes out what Logback still holds, before the JVM goes. */
    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** The version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nuttssh " + RelayVersion.version()};
        }
    }
}
