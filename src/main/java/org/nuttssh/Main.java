package org.nuttssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.auth.AuthorizedKeys;
import org.nuttssh.auth.AuthorizedKeysException;
import org.nuttssh.config.Ciphers;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.FirstRun;
import org.nuttssh.config.LogLevel;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.ssh.HostKeys;
import org.nuttssh.ssh.RelayServer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code nuttssh} command: parses flags, checks files, starts the relay and runs until stopped. */
@Command(name = "nuttssh", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "SSH switchboard relay: clients register virtual remote forwards under their name; "
                + "other clients reach them by name with ssh -W, -L, -D or -J.")
public final class Main implements Callable<Integer> {

    static final int EXIT_STARTUP_FAILED = 1;

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

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LogLevel logLevel;

    @Option(names = "--keepalive-interval", paramLabel = "SECONDS",
            defaultValue = "" + RelayConfig.DEFAULT_KEEPALIVE_SECONDS,
            description = "Probe each client this often; 0 disables (default: ${DEFAULT-VALUE}).")
    int keepAliveSeconds;

    @Option(names = "--keepalive-count", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_KEEPALIVE_COUNT,
            description = "Drop a client after this many unanswered probes (default: ${DEFAULT-VALUE}).")
    int keepAliveCount;

    @Option(names = "--ciphers", paramLabel = "LIST", defaultValue = Ciphers.DEFAULT,
            description = "SSH ciphers to offer; clients pick from these by their own preference "
                    + "(default: ${DEFAULT-VALUE}; add aes128-ctr for clients without AES-GCM).")
    String ciphers;

    @Option(names = "--use-dns",
            description = "Resolve client addresses to host names for from= patterns, like OpenSSH's UseDNS.")
    boolean useDns;

    @Option(names = "--proxy-protocol",
            description = "Every connection starts with a PROXY v1 or v2 header (e.g. HAProxy send-proxy-v2); "
                    + "from= and logs use the client address it names. Connections without one are dropped.")
    boolean proxyProtocol;

    @Option(names = "--cluster", description = "Join a cluster of relays sharing one name registry (Hazelcast).")
    boolean cluster;

    @Option(names = "--cluster-config", paramLabel = "FILE",
            description = "Hazelcast XML (default: ./cluster.xml if present, else the one in the jar).")
    Path clusterConfig;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = ClusterConfig.DEFAULT_NAME,
            description = "Only nodes with the same name form a cluster (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--cluster-host", paramLabel = "ADDR",
            description = "Address for Hazelcast and event-bus traffic between nodes.")
    String clusterHost;

    @Option(names = "--cluster-members", paramLabel = "LIST", split = ",",
            description = "Comma-separated host[:port] of nodes to join; replaces the member list in the file.")
    List<String> clusterMembers = new ArrayList<>();

    @Option(names = "--cluster-public-host", paramLabel = "ADDR",
            description = "Address other nodes use to reach this one, when behind NAT or in a container.")
    String clusterPublicHost;

    @Option(names = "--cluster-tls-cert", paramLabel = "FILE", description = "PEM certificate for event-bus TLS.")
    Path clusterTlsCert;

    @Option(names = "--cluster-tls-key", paramLabel = "FILE", description = "PEM private key for event-bus TLS.")
    Path clusterTlsKey;

    @Option(names = "--cluster-tls-ca", paramLabel = "FILE",
            description = "PEM CA that signs every node's certificate; peers must present one (mutual TLS).")
    Path clusterTlsCa;

    @Option(names = "--init",
            description = "First run: create the host key and an authorized_keys for your own public key "
                    + "(listen and initiate) when they do not exist, then start.")
    boolean init;

    private final PrintStream console;

    Main(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.err).execute(args));
    }

    /** The parser; usage errors and help go to {@code console} too. */
    static CommandLine commandLine(PrintStream console) {
        CommandLine commandLine = new CommandLine(new Main(console));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        PrintWriter writer = new PrintWriter(console, true);
        commandLine.setErr(writer);
        return commandLine;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        logLevel.apply();
        RelayServer server;
        try {
            RelayConfig config = new RelayConfig(bind, port, hostKey, authorizedKeys,
                    Duration.ofSeconds(keepAliveSeconds), keepAliveCount, useDns, proxyProtocol, clusterConfig(), ciphers);
            if (init) {
                FirstRun.prepare(hostKey, authorizedKeys, console);
            }
            KeyPairProvider hostKeys = HostKeys.load(hostKey);
            AuthorizedKeys keys = AuthorizedKeys.load(authorizedKeys);
            server = RelayServer.start(config, hostKeys, keys);
            if (init) {
                FirstRun.explain(server.port(), console);
            }
        } catch (StartupException | AuthorizedKeysException | IllegalArgumentException e) {
            console.println("nuttssh: " + e.getMessage());
            return EXIT_STARTUP_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                console.println("nuttssh: error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "nuttssh-shutdown"));
        stopped.await();
        return 0;
    }

    private ClusterConfig clusterConfig() throws StartupException {
        ClusterConfig.ClusterTls tls = null;
        List<Path> tlsFiles = Arrays.asList(clusterTlsCert, clusterTlsKey, clusterTlsCa);
        if (tlsFiles.stream().anyMatch(Objects::nonNull)) {
            if (tlsFiles.stream().anyMatch(Objects::isNull)) {
                throw new StartupException("event-bus TLS needs all of --cluster-tls-cert, --cluster-tls-key and "
                        + "--cluster-tls-ca");
            }
            tls = new ClusterConfig.ClusterTls(clusterTlsCert, clusterTlsKey, clusterTlsCa);
        }
        if (!cluster) {
            boolean clusterFlags = clusterConfig != null || clusterHost != null || !clusterMembers.isEmpty()
                    || clusterPublicHost != null || tls != null || !ClusterConfig.DEFAULT_NAME.equals(clusterName);
            if (clusterFlags) {
                throw new StartupException("--cluster-* options need --cluster");
            }
            return null;
        }
        return new ClusterConfig(clusterConfig, clusterName, clusterHost, clusterMembers, clusterPublicHost, tls);
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/nuttssh-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"nuttssh " + properties.getProperty("version", "unknown")};
        }
    }
}
