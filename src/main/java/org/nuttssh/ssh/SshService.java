package org.nuttssh.ssh;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.nuttssh.admin.Caller;
import org.nuttssh.admin.ClusterView;
import org.nuttssh.admin.Fleet;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.admin.RelayCommand;
import org.nuttssh.auth.KeyAuthenticator;
import org.nuttssh.auth.NameOwnership;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.auth.dns.ReverseLookups;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.circuit.OpenCircuit;
import org.nuttssh.circuit.Refusals;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.circuit.SwitchboardView;
import org.nuttssh.config.Limit;
import org.nuttssh.config.Limits;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.config.SshAlgorithms;
import org.nuttssh.config.StartupException;
import org.nuttssh.events.EventHub;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.metrics.Tally;
import org.nuttssh.proxy.ProxyProtocolAcceptor;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;
import org.nuttssh.ssh.admission.AttemptLimit;
import org.nuttssh.ssh.admission.ConnectionGate;
import org.nuttssh.ssh.admission.DisconnectReasons;
import org.nuttssh.ssh.admission.SourcePenalties;
import org.nuttssh.ssh.admission.StartupGate;
import org.nuttssh.ssh.transport.FixedPoolIoServiceFactory;
import org.nuttssh.ssh.transport.KeyExchanges;
import org.nuttssh.ssh.transport.NegotiatedTransport;
import org.nuttssh.ssh.transport.RelaySshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's public SSH port: MINA SSHD with public-key authentication only, remote forwards turned into virtual
 * listeners, {@code direct-tcpip} turned into circuits, relay commands on session channels, and nothing else; with
 * its limits, keepalives and the authorized_keys reloads that reach sessions already logged in.
 */
public final class SshService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SshService.class);

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
    /**
     * Connections the kernel may hold for the relay to accept. The JDK's default of 50 is overrun when a fleet
     * reconnects at once (a node restarts, a load balancer fails over): the connections beyond it lose their SYN and
     * retry after 1, 3, 7, 15 s... (Linux caps this at net.core.somaxconn, 4096 on current kernels.)
     */
    private static final int ACCEPT_BACKLOG = 4096;
    /** How often authorized_keys and revoked-keys are checked for changes; edits take effect within this time. */
    private static final Duration AUTHORIZED_KEYS_POLL = Duration.ofSeconds(1);
    /** How often a draining node looks for finished circuits and idle clients. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(100);
    /** After the grace period, how long closed circuits get to write their audit records. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** What clients disconnected by a shutdown are told; OpenSSH prints it. */
    static final String SHUTTING_DOWN = "the relay is shutting down";

    private final RelayConfig config;
    private final SwitchboardView switchboard;
    private final Registry registry;
    private final Refusals refusals;
    private final AuthorizedKeys authorizedKeys;
    private final RevokedKeys revokedKeys;
    private final RelaySshServer sshd;
    private final ScheduledExecutorService scheduler;
    /**
     * Follows authorized_keys and revoked-keys, apart from {@link #scheduler}: reading and applying a large file
     * (a 64 MiB KRL) takes a while, and the keepalives and expiry timers on the scheduler must not wait for it.
     */
    private final ScheduledExecutorService files;
    private final ExecutorService dnsExecutor;
    private final ConnectedClients clients = new ConnectedClients();
    private final KeyAuthenticator authenticator;
    private final AttemptLimit attempts;
    private final ConnectionGate gate;
    private final StartupGate startups;
    private final SourcePenalties penalties;
    private final LocalNodeAdmin admin;
    private final MemoryGuard memory;
    private final WindowBudget windows;

    private SshService(RelayConfig config, Switchboard switchboard, Registry registry, Refusals refusals,
                       KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys) {
        NodeId node = switchboard.node();
        Tally<Limit> limitRefusals = refusals.limits();
        this.config = config;
        this.switchboard = switchboard;
        this.registry = registry;
        this.refusals = refusals;
        this.authorizedKeys = authorizedKeys;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("nuttssh-timer"));
        this.files = Executors.newSingleThreadScheduledExecutor(daemon("nuttssh-files"));
        this.dnsExecutor = ReverseLookups.threads();
        Limits limits = config.limits();
        this.memory = MemoryGuard.start(limits.maxMemory());
        this.windows = WindowBudget.of(memory.bound());
        this.revokedKeys = RevokedKeys.load(config.certificates().revokedKeys());
        this.authenticator = new KeyAuthenticator(authorizedKeys, revokedKeys, config.useDns(), dnsExecutor);
        this.attempts = new AttemptLimit(authenticator, limits.maxAuthAttempts(), limitRefusals);
        this.gate = new ConnectionGate(limits.maxConnections(), limits.maxConnectionRate(), memory, limitRefusals);
        this.startups = new StartupGate(limits.maxStartups(), limits.maxStartupsPerSource(), config.proxyProtocol(),
                limitRefusals);
        this.penalties = new SourcePenalties(config.perSourcePenalties(), config.proxyProtocol(), limitRefusals);
        this.admin = new LocalNodeAdmin(node, switchboard, clients);
        ForwardingPolicy policy = new ForwardingPolicy(new NameOwnership(authorizedKeys, config.reservedNames()),
                memory, switchboard, limits.maxListenersPerClient(), refusals);

        sshd = (RelaySshServer) ServerBuilder.builder().factory(RelaySshServer::new).build();
        sshd.setIoServiceFactoryFactory(FixedPoolIoServiceFactory.withThreads(IO_THREADS));
        sshd.setHost(config.bind());
        sshd.setPort(config.port());
        sshd.setKeyPairProvider(hostKeys);
        if (hostKeys instanceof HostKeyCertificateProvider certificate) { // host-certificate (HostKeys.load)
            sshd.setHostKeyCertificateProvider(certificate);
        }
        if (config.proxyProtocol()) {
            ProxyProtocolAcceptor acceptor = new ProxyProtocolAcceptor(config.proxyProtocolFrom(), session -> {
                penalties.sourceKnown(session);
                startups.sourceKnown(session);
            });
            sshd.setServerProxyAcceptor(acceptor);
            sshd.addSessionListener(acceptor); // drops peers other than the trusted proxies
        }

        SshAlgorithms algorithms = config.algorithms();
        sshd.setCipherFactories(new ArrayList<>(algorithms.ciphers()));
        sshd.setMacFactories(new ArrayList<>(algorithms.macs()));
        sshd.setKeyExchangeFactories(KeyExchanges.of(algorithms.keyExchanges()));
        sshd.setSignatureFactories(new ArrayList<>(algorithms.hostKeyAlgorithms()));
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, RelayVersion.sshSoftwareVersion());
        // No compression: what a relay carries is mostly SSH already (ssh -J), which does not compress, and each
        // compressing connection held two zlib streams (~110 KB of native memory) for its whole life: asyncssh
        // clients, which ask for zlib@openssh.com, cost 427 KB each in a storm of 2000 instead of ~300 KB.
        sshd.setCompressionFactories(List.of(BuiltinCompressions.none));
        // Client keys are checked with MINA's own signature list, whatever host-key-algorithms says of the host key.
        sshd.setUserAuthFactories(List.of(CertificateAwarePublicKeyAuth.factory(authenticator)));
        sshd.setPublickeyAuthenticator(attempts);
        sshd.addSessionListener(authenticator); // starts reverse lookups early, while keys are exchanged
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);

        sshd.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE, new RelayConnectionService.Factory(
                new RelayConnectionService.ChannelCaps(limits.maxSessionsPerConnection(),
                        limits.maxChannelsPerConnection(), limitRefusals))));
        sshd.setChannelFactories(List.of(new RelaySessionChannel.Factory(),
                new DirectTcpipChannelFactory(switchboard, policy)));
        // Keepalives and forwards only; any other global request is refused (RelayConnectionService).
        sshd.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, new ForwardRequestHandler()));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE); // agent and X11; TCP forwards are ours
        sshd.setAgentFactory(null);
        sshd.setSubsystemFactories(List.of());

        // Listening clients sit idle for days (-N); liveness is the keepalive's job, not an idle timer's.
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(sshd, Duration.ZERO);
        // MINA's own default, set here because MINA looks the setting up for every write it starts, and one not set
        // on the server is looked for among the system properties, a key string built anew each time.
        CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.set(sshd,
                CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequiredDefault());
        // A circuit's open and first bytes are small packets answered across two connections; with Nagle's algorithm
        // each waits for a delayed ACK (~40 ms), capping circuit setup at ~25 per second.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        CoreModuleProperties.SOCKET_BACKLOG.set(sshd, ACCEPT_BACKLOG);
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(sshd, READ_BUFFER_SIZE);
        // Circuit channels start with their floor and grow up to this, as the window budget allows (ChannelEnd).
        CoreModuleProperties.WINDOW_SIZE.set(sshd, WindowBudget.MAX_WINDOW);
        // MINA's own timer enforces the login timeout; zero turns it off, as the setting's zero means.
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, limits.loginTimeout());
        // MINA counts authentication requests of every kind; AttemptLimit counts refused keys. Set just above it,
        // MINA's count only drops clients that try methods the relay does not offer.
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd,
                limits.maxAuthAttempts() + AttemptLimit.REQUESTS_PER_ACCEPTED_KEY);
        sshd.setSessionDisconnectHandler(new DisconnectReasons(limitRefusals, penalties));
        sshd.addSessionListener(penalties); // first: a penalised source's connection goes before it is counted
        sshd.addSessionListener(gate);
        sshd.addSessionListener(startups);
        sshd.addSessionListener(new SessionTracker(node, switchboard, clients, scheduler, config.keepAliveInterval(),
                config.keepAliveCount(), policy, config.certificates().disconnectExpired(), windows));
    }

    /**
     * Everything but the port; {@link #listen} binds it.
     *
     * @param registry the names of listening clients, which the operator commands read
     * @param refusals where this node's refusals are counted, the switchboard's too
     */
    public static SshService create(RelayConfig config, Switchboard switchboard, Registry registry, Refusals refusals,
                                    KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys) {
        return new SshService(config, switchboard, registry, refusals, hostKeys, authorizedKeys);
    }

    /** This node as the operator commands see it, for other nodes to ask. */
    public NodeAdmin nodeAdmin() {
        return admin;
    }

    /**
     * This node's counts, as the metrics read them.
     *
     * @param webhook what became of the events meant for the webhook
     * @param proofs  the other members' proofs of identity refused, by reason (none on a single node)
     */
    public RelayStatistics statistics(Supplier<ClusterView> cluster, Tally<?> webhook, Tally<?> proofs) {
        return new NodeStatistics(gate, startups, penalties, clients, switchboard, registry, attempts, refusals,
                authenticator.certificateRefusals(), memory, windows, cluster, webhook, proofs);
    }

    /**
     * Binds the port and starts following authorized_keys; fails with a one-line reason if the port is taken.
     *
     * @param fleet  every node of the relay, which the operator commands ask
     * @param events the cluster's events, which {@code events} follows
     */
    public void listen(Fleet fleet, EventHub events) throws StartupException, IOException {
        sshd.setShellFactory(channel -> command(channel, "", fleet, events));
        sshd.setCommandFactory((channel, commandLine) -> command(channel, commandLine, fleet, events));
        try {
            sshd.start();
        } catch (BindException e) {
            throw new StartupException("cannot listen on " + config.bind() + " port " + config.port() + ": "
                    + e.getMessage() + (config.port() == 0 ? "" : "; pick another port with --port"));
        }
        Revocation revocation = new Revocation(clients, authenticator);
        authorizedKeys.addChangeListener(keys -> revocation.recheck(keys.file()));
        authorizedKeys.startWatching(files, AUTHORIZED_KEYS_POLL);
        revokedKeys.addChangeListener(() -> revocation.recheck(revokedKeys.file()));
        revokedKeys.startWatching(files, AUTHORIZED_KEYS_POLL);
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return ((InetSocketAddress) sshd.getBoundAddresses().iterator().next()).getPort();
    }

    /** Closes the listening socket; connections already open go on. */
    public void stopAccepting() {
        sshd.stopAccepting();
    }

    /**
     * The paced part of a graceful shutdown, once the readiness check fails and the switchboard refuses new
     * listeners: lets each client without open circuits go, {@code perSecond} a second (0: all at once), while the
     * others stay reachable.
     */
    public void letClientsGo(int perSecond) throws InterruptedException {
        PacedDisconnects.run(clients.all(), switchboard::circuitsInvolving, perSecond, SHUTTING_DOWN);
    }

    /**
     * The last part of a graceful shutdown, once the switchboard refuses new circuits: disconnects each client as
     * soon as it has no open circuit, so it can reconnect to another node, and gives open circuits up to
     * {@code grace} to finish before closing the rest.
     */
    public void drain(Duration grace) throws InterruptedException {
        log.info("shutting down: not accepting connections, names withdrawn; {} circuits open, waiting up to {} s",
                switchboard.openCircuitCount(), grace.toSeconds());
        long deadline = System.nanoTime() + grace.toNanos();
        while (switchboard.openCircuitCount() > 0 && System.nanoTime() < deadline) {
            disconnectIdleClients();
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL.toMillis());
        }
        List<OpenCircuit> left = switchboard.openCircuits();
        if (!left.isEmpty()) {
            log.info("shutting down: grace of {} s is over; closing {} circuits", grace.toSeconds(), left.size());
            left.forEach(entry -> entry.circuit().close(SHUTTING_DOWN));
            awaitCircuitsClosed(System.nanoTime() + CLOSE_WAIT.toNanos());
        }
        // Checked after the last circuit ended, not before: a client whose circuit ended just now is told why it goes,
        // and the words get time to leave before the server stops every connection.
        disconnectIdleClients();
        awaitClientsGone(System.nanoTime() + CLOSE_WAIT.toNanos());
    }

    private void disconnectIdleClients() {
        for (ClientConnection client : clients.all()) {
            if (switchboard.circuitsInvolving(client.id()) == 0) {
                client.disconnect(SHUTTING_DOWN);
            }
        }
    }

    private void awaitClientsGone(long deadline) throws InterruptedException {
        while (clients.count() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL.toMillis());
        }
    }

    private void awaitCircuitsClosed(long deadline) throws InterruptedException {
        while (switchboard.openCircuitCount() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL.toMillis());
        }
    }

    /** Stops at once: every connection and circuit closes now, then the timers and lookups. */
    @Override
    public void close() throws IOException {
        try {
            if (sshd.isStarted()) {
                sshd.stop(true);
            } else {
                // MINA's stop() ignores a server whose port never bound, but its I/O threads run already.
                sshd.close(true).await(CoreModuleProperties.STOP_WAIT_TIME.getRequired(sshd));
            }
        } finally {
            scheduler.shutdownNow();
            files.shutdownNow();
            dnsExecutor.shutdownNow();
            memory.close();
        }
    }

    private Command command(ChannelSession channel, String commandLine, Fleet fleet, EventHub events) {
        ClientConnection client = ClientConnection.of(channel.getServerSession());
        Caller caller = new Caller(client.name(), client.aliases(), client.access(), client.address(),
                client.key().fingerprint(), NegotiatedTransport.of(channel.getServerSession()),
                client.certificate().map(UserCertificate::describe).orElse(null), client.key().permits());
        return new RelayCommand(commandLine, caller, registry, fleet, events);
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "SSH port " + config.bind() + ":" + config.port();
    }
}
