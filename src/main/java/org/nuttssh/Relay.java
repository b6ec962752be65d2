package org.nuttssh;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.admin.Fleet;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.circuit.Listeners;
import org.nuttssh.circuit.Refusals;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.cluster.ClusteredNode;
import org.nuttssh.cluster.membership.ProofRefusal;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.events.EventHub;
import org.nuttssh.events.EventWebhook;
import org.nuttssh.events.WebhookOutcome;
import org.nuttssh.metrics.Monitoring;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.metrics.Tally;
import org.nuttssh.node.CloseOrder;
import org.nuttssh.node.RelayNode;
import org.nuttssh.node.StandaloneNode;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.PresenceKeeper;
import org.nuttssh.registry.Registry;
import org.nuttssh.ssh.SshService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds a relay node from its configuration, in order, and takes it down again. This is the
 * one place that decides between a node alone and one of a cluster; everything else takes what it needs from the
 * {@link RelayNode}.
 */
public final class Relay implements AutoCloseable {

    /** The steps of {@link #start}, in order; a test can make one fail to see that everything before it is released. */
    enum Step { NODE, SSH_PORT, METRICS }

    /**
     * Logged once the relay serves, as {@code nuttssh listening on ADDRESS port PORT (node NODE-ID...)}. Scripts and
     * tests wait for this line and read the port (when 0 picked one) and the node id from it, so its shape is an
     * interface: keep it, and its README entry ("The ready line"), in step.
     */
    static final String READY_LINE = "nuttssh listening on {} port {} ({})";

    /** Withdrawing names is one registry write each; a registry slower than this is not worth waiting for. */
    private static final Duration WITHDRAW_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final RelayConfig config;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Refusals refusals = new Refusals();
    private final Tally<WebhookOutcome> webhookCounts = Tally.of(WebhookOutcome.class, WebhookOutcome::label);
    private final Tally<ProofRefusal> proofRefusals = Tally.of(ProofRefusal.class, ProofRefusal::label);
    // Set by start, in this order; close releases whichever are set.
    private RelayNode node;
    private EventHub events;
    private EventWebhook webhook;
    private Switchboard switchboard;
    private SshService ssh;
    private RelayStatistics statistics;
    private Monitoring monitoring;

    private Relay(RelayConfig config) {
        this.config = config;
    }

    /** Starts the relay; fails with a one-line reason, having released whatever it had started. */
    public static Relay start(RelayConfig config, KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys)
            throws StartupException, IOException {
        return start(config, hostKeys, authorizedKeys, step -> { });
    }

    /** @param afterStep called after each step; a test makes it throw to fail the start there */
    static Relay start(RelayConfig config, KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys,
                       Consumer<Step> afterStep) throws StartupException, IOException {
        Relay relay = new Relay(config);
        try {
            relay.joinNode();
            afterStep.accept(Step.NODE);
            relay.listen(hostKeys, authorizedKeys);
            afterStep.accept(Step.SSH_PORT);
            relay.serveMetrics();
            afterStep.accept(Step.METRICS);
        } catch (StartupException | IOException | RuntimeException | Error e) {
            relay.close();
            throw e;
        }
        log.info(READY_LINE, config.bind(), relay.port(), relay.node);
        return relay;
    }

    private void joinNode() throws StartupException {
        node = config.cluster() == null ? StandaloneNode.start(config.presence())
                : ClusteredNode.join(config.cluster(), config.presence(), proofRefusals);
        events = new EventHub(node.id());
        if (config.eventWebhook() != null) {
            webhook = EventWebhook.start(node.vertx(), config.eventWebhook(), events, webhookCounts);
        }
        switchboard = new Switchboard(node.registry(), node.remoteNodes(), node.id(),
                config.limits().maxCircuitsPerClient(), config.reconnectWait(), refusals, events);
    }

    private void listen(KeyPairProvider hostKeys, AuthorizedKeys authorizedKeys) throws StartupException, IOException {
        ssh = SshService.create(config, switchboard, node.registry(), refusals, hostKeys, authorizedKeys);
        statistics = ssh.statistics(node::view, webhookCounts, proofRefusals);
        Fleet fleet = node.serve(switchboard, ssh.nodeAdmin());
        node.relayEvents(events);
        ssh.listen(fleet, events);
    }

    private void serveMetrics() throws StartupException {
        monitoring = Monitoring.start(config.metrics(), node.vertx(), statistics, node.presence(), this::notReady);
        node.vertx().setPeriodic(PresenceKeeper.COUNT_INTERVAL.toMillis(), timer -> node.presence().count());
    }

    /** Empty when this node should get traffic; otherwise why not. For {@code /health/ready}. */
    private Optional<String> notReady() {
        return stopping.get() ? Optional.of("shutting down") : node.notReady();
    }

    /** The SSH port; differs from the configured one when that was 0. */
    public int port() {
        return ssh.port();
    }

    /** The metrics port, or -1 when metrics are not served. */
    public int metricsPort() {
        return monitoring.port();
    }

    public NodeId nodeId() {
        return node.id();
    }

    /** The names of listening clients, as this node sees them. */
    public Registry registry() {
        return node.registry();
    }

    /** This node's counts, as the metrics read them. */
    public RelayStatistics statistics() {
        return statistics;
    }

    /**
     * Shuts down gracefully, as on SIGTERM: turns not ready (the load balancer stops sending here) and stops
     * accepting connections; lets the clients without open circuits go at the drain rate, so that they reconnect to
     * the other nodes at a pace those can take, while the clients still here stay reachable; then withdraws this
     * node's remaining names from the registry (other nodes stop routing here), refuses new circuits once those
     * already routed here have arrived, and disconnects
     * each client as soon as it has no open circuit. Open circuits get up to the configured grace period to finish;
     * then whatever is left is closed. Returns when the relay is closed.
     */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        ssh.stopAccepting();
        try {
            switchboard.refuseListeners();
            ssh.letClientsGo(config.drainRate());
            try {
                switchboard.unlistAll().toCompletableFuture().get(WITHDRAW_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("shutting down: withdrawing this node's names did not finish: {}", e.toString());
            }
            // A circuit another node routed here just before it heard still arrives, and its client is still here.
            TimeUnit.MILLISECONDS.sleep(Listeners.UNLISTED_BEFORE_LEAVING.toMillis());
            switchboard.refuseCircuits();
            ssh.drain(config.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        log.info("shut down");
    }

    /** Stops at once: every connection and circuit closes now. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping.set(true);
        // Sessions first (their circuits and names go with them), then what they used.
        CloseOrder.builder().close(ssh).close(monitoring).close(webhook).close(node).build().close();
    }
}
