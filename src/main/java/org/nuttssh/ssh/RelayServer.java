package org.nuttssh.ssh;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.nuttssh.StartupException;
import org.nuttssh.admin.Caller;
import org.nuttssh.admin.RelayCommand;
import org.nuttssh.auth.AuthorizedKeys;
import org.nuttssh.auth.KeyAuthenticator;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.cluster.Cluster;
import org.nuttssh.config.Ciphers;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.registry.LocalRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's SSH server: MINA SSHD with public-key authentication only, remote forwards turned into virtual
 * listeners, {@code direct-tcpip} turned into circuits, relay commands on session channels, and nothing else.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    /** How often authorized_keys is checked for changes; edits take effect within this time. */
    private static final Duration AUTHORIZED_KEYS_POLL = Duration.ofSeconds(1);
    /** Reverse lookups for from= are rare and slow; two threads keep a burst of them from queuing long. */
    private static final int DNS_THREADS = 2;

    private final SshServer sshd;
    private final Switchboard switchboard;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService dnsExecutor;
    private final Cluster cluster;

    private RelayServer(SshServer sshd, Switchboard switchboard, ScheduledExecutorService scheduler,
                        ExecutorService dnsExecutor, Cluster cluster) {
        this.sshd = sshd;
        this.switchboard = switchboard;
        this.scheduler = scheduler;
        this.dnsExecutor = dnsExecutor;
        this.cluster = cluster;
    }

    /** Starts listening; fails with a one-line reason if the port cannot be bound. */
    public static RelayServer start(RelayConfig config, KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys)
            throws StartupException, IOException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("nuttssh-timer"));
        ExecutorService dnsExecutor = Executors.newFixedThreadPool(DNS_THREADS, daemon("nuttssh-dns"));
        Cluster cluster = null;
        Switchboard switchboard;
        if (config.cluster() != null) {
            cluster = Cluster.join(config.cluster());
            switchboard = new Switchboard(cluster.registry(), cluster.nodeId());
            cluster.serve(switchboard, scheduler);
        } else {
            switchboard = new Switchboard(new LocalRegistry(), UUID.randomUUID().toString());
        }
        String node = switchboard.node();
        boolean clustered = cluster != null;

        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(config.bind());
        sshd.setPort(config.port());
        sshd.setKeyPairProvider(hostKeys);

        sshd.setCipherFactories(Ciphers.parse(config.ciphers()));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        KeyAuthenticator authenticator = new KeyAuthenticator(authorizedKeys, config.useDns(), dnsExecutor);
        sshd.setPublickeyAuthenticator(authenticator);
        sshd.addSessionListener(authenticator); // starts reverse lookups early, while keys are exchanged
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);

        sshd.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE, new RelayConnectionService.Factory()));
        sshd.setChannelFactories(List.of(new RelaySessionChannel.Factory(), new DirectTcpipChannelFactory(switchboard)));
        sshd.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE,
                OpenSshHostKeysHandler.INSTANCE, new ForwardRequestHandler()));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE); // agent and X11; TCP forwards are ours
        sshd.setAgentFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setShellFactory(channel -> command(channel, "", switchboard, clustered));
        sshd.setCommandFactory((channel, commandLine) -> command(channel, commandLine, switchboard, clustered));

        // Listening clients sit idle for days (-N); liveness is the keepalive's job, not an idle timer's.
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(sshd, Duration.ZERO);
        // A circuit's open and first bytes are small packets answered across two connections; with Nagle's algorithm
        // each waits for a delayed ACK (~40 ms), capping circuit setup at ~25 per second.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        sshd.addSessionListener(new SessionTracker(node, switchboard, scheduler, config.keepAliveInterval(),
                config.keepAliveCount()));

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
        authorizedKeys.startWatching(scheduler, AUTHORIZED_KEYS_POLL);
        RelayServer server = new RelayServer(sshd, switchboard, scheduler, dnsExecutor, cluster);
        log.info("nuttssh listening on {} port {} (node {}{})", config.bind(), server.port(), node,
                clustered ? ", clustered" : "");
        return server;
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return ((InetSocketAddress) sshd.getBoundAddresses().iterator().next()).getPort();
    }

    public Switchboard switchboard() {
        return switchboard;
    }

    @Override
    public void close() throws IOException {
        try {
            sshd.stop(true);
        } finally {
            shutdown(scheduler, dnsExecutor);
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static Command command(ChannelSession channel, String commandLine, Switchboard switchboard,
                                   boolean clustered) {
        ClientConnection client = ClientConnection.of(channel.getServerSession());
        Caller caller = new Caller(client.name(), client.aliases(), client.access(), client.address(),
                client.key().fingerprint());
        return new RelayCommand(commandLine, caller, switchboard.registry(), clustered);
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
