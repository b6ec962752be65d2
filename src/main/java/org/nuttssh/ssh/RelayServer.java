package org.nuttssh.ssh;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.nuttssh.StartupException;
import org.nuttssh.admin.Caller;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.LocalFleet;
import org.nuttssh.admin.RelayCommand;
import org.nuttssh.auth.AuthorizedKeys;
import org.nuttssh.auth.KeyAuthenticator;
import org.nuttssh.circuit.OpenCircuit;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.cluster.Cluster;
import org.nuttssh.cluster.ClusterFleet;
import org.nuttssh.config.Ciphers;
import org.nuttssh.config.Limit;
import org.nuttssh.config.Limits;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.metrics.Monitoring;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.metrics.Tally;
import org.nuttssh.proxy.ProxyProtocolAcceptor;
import org.nuttssh.registry.LocalRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's SSH server: MINA SSHD with public-key authentication only, remote forwards turned into virtual
 * listeners, {@code direct-tcpip} turned into circuits, relay commands on session channels, and nothing else; with
 * its limits, its meters and health checks, and a graceful {@link #shutdown}.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    /**
     * MINA's per-connection socket read buffer, held for the connection's life. Its 32 KiB default is most of an idle
     * listening client's cost; at 8 KiB, 2000 idle clients took 107 KB of RSS each instead of 145, and 1 GiB through
     * one circuit ran as fast (the SSH decoder assembles packets across reads anyway).
     */
    private static final int READ_BUFFER_SIZE = 8 * 1024;
    /**
     * One I/O thread per core rather than MINA's cores + 1: opening a circuit is a chain of small packets across two
     * connections, and the extra thread only added context switches (~1350 -> ~1590 circuits/s on 2 cores, same bulk
     * throughput).
     */
    private static final int IO_THREADS = Runtime.getRuntime().availableProcessors();
    /** How often authorized_keys is checked for changes; edits take effect within this time. */
    private static final Duration AUTHORIZED_KEYS_POLL = Duration.ofSeconds(1);
    /** Reverse lookups for from= are rare and slow; two threads keep a burst of them from queuing long. */
    private static final int DNS_THREADS = 2;
    /** How often a draining node looks for finished circuits and idle clients. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(100);
    /** Withdrawing names is one registry write each; a registry slower than this is not worth waiting for. */
    private static final Duration WITHDRAW_TIMEOUT = Duration.ofSeconds(5);
    /** After the grace period, how long closed circuits get to write their audit records. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** What clients disconnected by a shutdown are told; OpenSSH prints it. */
    static final String SHUTTING_DOWN = "the relay is shutting down";

    private final RelaySshServer sshd;
    private final RelayConfig config;
    private final Switchboard switchboard;
    private final ConnectedClients clients;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService dnsExecutor;
    private final Cluster cluster;
    private final Fleet fleet;
    private final RelayStatistics statistics;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Monitoring monitoring;

    private RelayServer(RelaySshServer sshd, RelayConfig config, Switchboard switchboard, ConnectedClients clients,
                        ScheduledExecutorService scheduler, ExecutorService dnsExecutor, Cluster cluster,
                        Fleet fleet, RelayStatistics statistics) {
        this.sshd = sshd;
        this.config = config;
        this.switchboard = switchboard;
        this.clients = clients;
        this.scheduler = scheduler;
        this.dnsExecutor = dnsExecutor;
        this.cluster = cluster;
        this.fleet = fleet;
        this.statistics = statistics;
    }

    /** Starts listening; fails with a one-line reason if the port cannot be bound. */
    public static RelayServer start(RelayConfig config, KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys)
            throws StartupException, IOException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("nuttssh-timer"));
        ExecutorService dnsExecutor = Executors.newFixedThreadPool(DNS_THREADS, daemon("nuttssh-dns"));
        Limits limits = config.limits();
        Cluster cluster = null;
        Switchboard switchboard;
        if (config.cluster() != null) {
            cluster = Cluster.join(config.cluster());
            switchboard = new Switchboard(cluster.registry(), cluster.nodeId(), limits.maxCircuitsPerClient());
            cluster.serve(switchboard, scheduler);
        } else {
            switchboard = new Switchboard(new LocalRegistry(), UUID.randomUUID().toString(),
                    limits.maxCircuitsPerClient());
        }
        String node = switchboard.node();
        boolean clustered = cluster != null;
        ConnectedClients clients = new ConnectedClients();
        LocalNodeAdmin admin = new LocalNodeAdmin(switchboard, clients);
        Fleet fleet = clustered ? cluster.serveAdmin(admin) : new LocalFleet(admin);
        Tally<Limit> limitRefusals = Tally.of(Limit.class, Limit::setting);

        RelaySshServer sshd = (RelaySshServer) ServerBuilder.builder().factory(RelaySshServer::new).build();
        sshd.setIoServiceFactoryFactory(FixedPoolIoServiceFactory.withThreads(IO_THREADS));
        sshd.setHost(config.bind());
        sshd.setPort(config.port());
        sshd.setKeyPairProvider(hostKeys);
        if (config.proxyProtocol()) {
            sshd.setServerProxyAcceptor(new ProxyProtocolAcceptor());
        }

        sshd.setCipherFactories(Ciphers.parse(config.ciphers()));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        KeyAuthenticator authenticator = new KeyAuthenticator(authorizedKeys, config.useDns(), dnsExecutor);
        AttemptLimit attempts = new AttemptLimit(authenticator, limits.maxAuthAttempts(), limitRefusals);
        sshd.setPublickeyAuthenticator(attempts);
        sshd.addSessionListener(authenticator); // starts reverse lookups early, while keys are exchanged
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);

        sshd.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE, new RelayConnectionService.Factory()));
        sshd.setChannelFactories(List.of(new RelaySessionChannel.Factory(),
                new DirectTcpipChannelFactory(switchboard, limitRefusals)));
        sshd.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE,
                OpenSshHostKeysHandler.INSTANCE, new ForwardRequestHandler()));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE); // agent and X11; TCP forwards are ours
        sshd.setAgentFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setShellFactory(channel -> command(channel, "", switchboard, fleet, clustered));
        sshd.setCommandFactory((channel, commandLine) -> command(channel, commandLine, switchboard, fleet,
                clustered));

        // Listening clients sit idle for days (-N); liveness is the keepalive's job, not an idle timer's.
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(sshd, Duration.ZERO);
        // A circuit's open and first bytes are small packets answered across two connections; with Nagle's algorithm
        // each waits for a delayed ACK (~40 ms), capping circuit setup at ~25 per second.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(sshd, READ_BUFFER_SIZE);
        // MINA's own timer enforces the login timeout; zero turns it off, as the setting's zero means.
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, limits.loginTimeout());
        // MINA counts authentication requests of every kind; AttemptLimit counts refused keys. Set just above it,
        // MINA's count only drops clients that try methods the relay does not offer.
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd,
                limits.maxAuthAttempts() + AttemptLimit.REQUESTS_PER_ACCEPTED_KEY);
        sshd.setSessionDisconnectHandler(new DisconnectReasons(limitRefusals));
        ConnectionGate gate = new ConnectionGate(limits.maxConnections(), limits.maxConnectionRate(), limitRefusals);
        sshd.addSessionListener(gate);
        sshd.addSessionListener(new SessionTracker(node, switchboard, clients, scheduler, config.keepAliveInterval(),
                config.keepAliveCount(), limits.maxListenersPerClient(), limitRefusals));
        Cluster joined = cluster;
        RelayStatistics statistics = new NodeStatistics(gate, clients, switchboard, attempts, limitRefusals,
                () -> joined != null ? joined.memberCount() : 1);

        try {
            sshd.start();
        } catch (BindException e) {
            shutdown(scheduler, dnsExecutor);
            if (cluster != null) {
                cluster.close();
            }
            throw new StartupException("cannot listen on " + config.bind() + " port " + config.port() + ": "
                    + e.getMessage() + (config.port() == 0 ? "" : "; pick another port with --port"));
        }
        authorizedKeys.addChangeListener(new Revocation(clients, authenticator));
        authorizedKeys.startWatching(scheduler, AUTHORIZED_KEYS_POLL);
        RelayServer server = new RelayServer(sshd, config, switchboard, clients, scheduler, dnsExecutor, cluster,
                fleet, statistics);
        try {
            server.monitoring = Monitoring.start(config.metrics(), clustered ? cluster.vertx() : null, statistics,
                    server::notReady);
        } catch (StartupException e) {
            server.close();
            throw e;
        }
        log.info("nuttssh listening on {} port {} (node {}{})", config.bind(), server.port(), node,
                clustered ? ", clustered" : "");
        return server;
    }

    /** Null when this node should get traffic; otherwise why not. For {@code /health/ready}. */
    String notReady() {
        if (stopping.get()) {
            return "shutting down";
        }
        if (cluster != null && !cluster.joined()) {
            return "not a cluster member";
        }
        return null;
    }

    /** The metrics port, or -1 when metrics are not served. */
    public int metricsPort() {
        return monitoring.port();
    }

    /** This node's counts, as the metrics read them. */
    public RelayStatistics statistics() {
        return statistics;
    }

    /**
     * Shuts down gracefully, as on SIGTERM: stops accepting connections, withdraws this node's names from the
     * registry at once (other nodes stop routing here), refuses new circuits and listeners, and disconnects each
     * client as soon as it has no open circuit, so it can reconnect to another node. Open circuits get up to the
     * configured grace period to finish; then whatever is left is closed. Returns when the server is closed.
     */
    public void shutdown() throws IOException {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Duration grace = config.shutdownGrace();
        sshd.stopAccepting();
        try {
            switchboard.drain().toCompletableFuture().get(WITHDRAW_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("shutting down: withdrawing this node's names did not finish: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("shutting down: not accepting connections, names withdrawn; {} circuits open, waiting up to {} s",
                switchboard.openCircuitCount(), grace.toSeconds());
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (true) {
                disconnectIdleClients();
                if (switchboard.openCircuitCount() == 0) {
                    break;
                }
                if (System.nanoTime() >= deadline) {
                    List<OpenCircuit> left = switchboard.openCircuits();
                    log.info("shutting down: grace of {} s is over; closing {} circuits", grace.toSeconds(),
                            left.size());
                    left.forEach(entry -> entry.circuit().close(SHUTTING_DOWN));
                    awaitCircuitsClosed(System.nanoTime() + CLOSE_WAIT.toNanos());
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(DRAIN_POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        log.info("shut down");
    }

    private void disconnectIdleClients() {
        for (ClientConnection client : clients.all()) {
            if (switchboard.circuitsInvolving(client.id()) == 0) {
                client.disconnect(SHUTTING_DOWN);
            }
        }
    }

    private void awaitCircuitsClosed(long deadline) throws InterruptedException {
        while (switchboard.openCircuitCount() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL.toMillis());
        }
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return ((InetSocketAddress) sshd.getBoundAddresses().iterator().next()).getPort();
    }

    public Switchboard switchboard() {
        return switchboard;
    }

    /** Stops at once: every connection and circuit closes now. Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping.set(true);
        try {
            sshd.stop(true);
        } finally {
            shutdown(scheduler, dnsExecutor);
            if (monitoring != null) {
                monitoring.close();
            }
            if (fleet instanceof ClusterFleet clusterFleet) {
                clusterFleet.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static Command command(ChannelSession channel, String commandLine, Switchboard switchboard, Fleet fleet,
                                   boolean clustered) {
        ClientConnection client = ClientConnection.of(channel.getServerSession());
        Caller caller = new Caller(client.name(), client.aliases(), client.access(), client.address(),
                client.key().fingerprint());
        return new RelayCommand(commandLine, caller, switchboard.registry(), fleet, clustered);
    }

    private static void shutdown(ExecutorService... executors) {
        for (ExecutorService executor : executors) {
            executor.shutdownNow();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
