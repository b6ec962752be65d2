package org.nuttssh.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.Listeners;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.ListeningClient;
import org.nuttssh.circuit.RefusalReason;
import org.nuttssh.memory.WindowAccount;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH connection: who it is, what it may do, and the virtual listeners it holds. Its names are
 * published with its first listener and withdrawn with its last, or when it disconnects. What it may do follows
 * authorized_keys while it is connected: {@link #reauthorize} applies the line that admits it after a reload.
 *
 * <p>Registry calls may complete later (a clustered registry), yet SSH global-request replies must go out in request
 * order; so listener changes run one after another on {@link #serial}.
 */
final class ClientConnection implements ListeningClient, DrainedClient {

    static final AttributeKey<ClientConnection> KEY = new AttributeKey<>();

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final ServerSession session;
    private final String id;
    private final NodeId node;
    private final String address;
    private final Instant connectedAt = Instant.now();
    private final Listeners switchboard;
    private final ForwardingPolicy policy;
    private final WindowAccount windows;
    private volatile AuthorizedKey key;
    /** The certificate it logged in with, or null for a plain key. */
    private final UserCertificate certificate;
    private final AtomicBoolean disconnecting = new AtomicBoolean();
    /** Disconnects it when its certificate expires (disconnect-expired-certificates); cancelled when it goes. */
    private volatile Future<?> expiry;

    // Guarded by this.
    private final SortedMap<Integer, String> listeners = new TreeMap<>();
    private CompletionStage<?> serial = CompletableFuture.completedFuture(null);
    private boolean disconnected;

    /** @param windows what the windows of its circuits' channels, and their cross-node credit, are charged to */
    ClientConnection(ServerSession session, AuthorizedKey key, UserCertificate certificate, String id, NodeId node,
                     InetSocketAddress address, Listeners switchboard, ForwardingPolicy policy,
                     WindowAccount windows) {
        this.session = session;
        this.key = key;
        this.certificate = certificate;
        this.id = id;
        this.node = node;
        this.address = address.getAddress().getHostAddress() + ":" + address.getPort();
        this.switchboard = switchboard;
        this.policy = policy;
        this.windows = windows;
    }

    static ClientConnection of(ServerSession session) {
        return session.getAttribute(KEY);
    }

    /** Unique in the cluster for the lifetime of the connection; also its registry id. */
    @Override
    public String id() {
        return id;
    }

    /** The key's hostname=, else the SSH user name; it changes if a reload changes hostname=. */
    String name() {
        AuthorizedKey current = key;
        return current.hostname() != null ? current.hostname() : session.getUsername();
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public boolean isConnected() {
        return session.isOpen();
    }

    ServerSession session() {
        return session;
    }

    List<String> aliases() {
        return key.aliases();
    }

    AuthorizedKey key() {
        return key;
    }

    /** Its part of the node's window budget. */
    WindowAccount windows() {
        return windows;
    }

    String address() {
        return address;
    }

    /** The certificate it logged in with, if it used one. */
    Optional<UserCertificate> certificate() {
        return Optional.ofNullable(certificate);
    }

    /**
     * What it logged in with, for logs and tables: the key's fingerprint, or the certificate's key ID, serial and CA
     * (the key ID is the client's text: whoever prints it escapes it).
     */
    String identity() {
        return certificate == null ? "key " + key.fingerprint() : "certificate " + certificate.describe();
    }

    /** Disconnects it at its certificate's expiry, through {@code scheduler}; nothing for a plain key. */
    void disconnectAtExpiry(ScheduledExecutorService scheduler) {
        Optional<Duration> left = certificate == null ? Optional.empty() : certificate.timeLeft(Instant.now());
        if (left.isEmpty()) {
            return;
        }
        Instant end = certificate.validBefore();
        expiry = scheduler.schedule(() -> {
            log.info("certificate expired: {} ({}) at {}; disconnecting", describe(), identity(), end);
            disconnect("your certificate expired at " + end);
        }, left.get().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** For logs: {@code name@address}. */
    String describe() {
        return name() + "@" + address;
    }

    /** Ends the connection, telling the client why (OpenSSH prints it); later calls do nothing. */
    @Override
    public void disconnect(String reason) {
        if (!disconnecting.compareAndSet(false, true)) {
            return;
        }
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, reason);
        } catch (IOException e) {
            log.debug("{}: disconnect failed ({}); closing", describe(), e.toString());
            session.close(true);
        }
    }

    /**
     * authorized_keys changed and {@code next} is the line that admits this connection now (maybe the same line as
     * before): rights it lost are gone (listeners removed now, new circuits and commands refused), names follow
     * hostname= and alias=, and listeners go if the name is no longer this client's to use (another line reserved
     * it, or names= no longer allows it).
     */
    void reauthorize(AuthorizedKey next) {
        AuthorizedKey previous = key;
        key = next;
        boolean renamed = !Objects.equals(previous.hostname(), next.hostname())
                || !previous.aliases().equals(next.aliases());
        if (!previous.access().equals(next.access()) || renamed) {
            log.info("{}: authorized_keys changed: access {} -> {}, aliases {} -> {}", describe(),
                    previous.describeAccess(), next.describeAccess(), previous.aliases(), next.aliases());
        }
        Optional<String> nameRefused = policy.canHoldNames(session.getUsername(), next);
        if (previous.has(Access.LISTEN) && !next.has(Access.LISTEN)) {
            dropListeners("key lost access=\"listen\"");
        } else if (nameRefused.isPresent()) {
            dropListeners(nameRefused.get());
        } else if (renamed) {
            inOrder(() -> isListening() ? publish() : CompletableFuture.completedFuture(null));
        }
    }

    /** Removes every listener and withdraws the names, keeping the connection. */
    private void dropListeners(String why) {
        inOrder(() -> {
            Set<Integer> ports;
            synchronized (this) {
                ports = Set.copyOf(listeners.keySet());
                listeners.clear();
            }
            if (ports.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return switchboard.withdraw(id).thenRun(() ->
                    log.info("listeners removed: {} port(s) {} for {}: {}", name(), ports, describe(), why));
        });
    }

    /** Whether it holds a virtual listener now. */
    synchronized boolean isListening() {
        return !listeners.isEmpty();
    }

    /**
     * Adds a virtual listener.
     *
     * @param bindHost the host string exactly as the client sent it, echoed back when a circuit arrives
     * @return completes with a refusal reason, or {@code null} when the listener is in place
     */
    CompletionStage<String> addListener(String bindHost, int port) {
        return inOrder(() -> {
            Optional<String> refused = policy.canListen(session.getUsername(), key, bindHost, port);
            if (refused.isPresent()) {
                return CompletableFuture.completedFuture(refused.get());
            }
            synchronized (this) {
                if (disconnected) {
                    return CompletableFuture.completedFuture("connection is closing");
                }
                if (listeners.containsKey(port)) {
                    return CompletableFuture.completedFuture("port " + port + " is already forwarded on this connection");
                }
                Optional<String> full = policy.canAddListener(name(), listeners.size());
                if (full.isPresent()) {
                    return CompletableFuture.completedFuture(full.get());
                }
                listeners.put(port, bindHost);
            }
            return publish().thenApply(ignored -> {
                log.info("listener added: {}:{} (bind host '{}') for {}", name(), port, bindHost, describe());
                return null;
            });
        });
    }

    /** @return completes with whether the listener existed */
    CompletionStage<Boolean> cancelListener(int port) {
        return inOrder(() -> {
            boolean last;
            synchronized (this) {
                if (listeners.remove(port) == null) {
                    return CompletableFuture.completedFuture(false);
                }
                last = listeners.isEmpty();
            }
            CompletionStage<Void> change = last ? switchboard.withdraw(id) : publish();
            return change.thenApply(ignored -> {
                log.info("listener removed: {}:{} for {}", name(), port, describe());
                return true;
            });
        });
    }

    @Override
    public CompletionStage<Void> unlist() {
        return inOrder(() -> isListening() ? switchboard.unlist(id) : CompletableFuture.completedFuture(null));
    }

    /** The SSH connection is gone: withdraw its names. */
    void disconnected() {
        Future<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
        inOrder(() -> {
            boolean hadListeners;
            synchronized (this) {
                disconnected = true;
                hadListeners = !listeners.isEmpty();
                listeners.clear();
            }
            return hadListeners ? switchboard.withdraw(id) : CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletionStage<CircuitEnd> openTarget(int port, String originHost, int originPort) {
        String bindHost;
        synchronized (this) {
            bindHost = listeners.get(port);
        }
        if (bindHost == null) {
            return CompletableFuture.failedFuture(CircuitRefusedException.of(RefusalReason.TARGET_GONE,
                    name() + " stopped listening on port " + port));
        }
        try {
            ForwardedTcpipChannel channel = new ForwardedTcpipChannel(name() + ":" + port, bindHost, port,
                    originHost, originPort, windows);
            session.getService(ConnectionService.class).registerChannel(channel);
            return channel.openEnd();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(CircuitRefusedException.of(RefusalReason.TARGET_GONE,
                    name() + " cannot take circuits: " + e.getMessage()));
        }
    }

    private CompletionStage<Void> publish() {
        ListenerRecord record;
        synchronized (this) {
            record = new ListenerRecord(id, node, name(), key.aliases(), listeners, address, connectedAt, 0);
        }
        return switchboard.publish(record, this);
    }

    private synchronized <T> CompletionStage<T> inOrder(Supplier<CompletionStage<T>> step) {
        CompletionStage<T> next = serial.handle((ignored, failure) -> null).thenCompose(ignored -> step.get());
        serial = next;
        return next;
    }

    Set<Access> access() {
        return key.access();
    }
}
