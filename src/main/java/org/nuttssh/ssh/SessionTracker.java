package org.nuttssh.ssh;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.circuit.Listeners;
import org.nuttssh.auth.KeyAuthenticator;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.memory.WindowAccount;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.proxy.ClientAddress;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows each SSH connection through its life: logs it, turns an authenticated session into a
 * {@link ClientConnection} known to {@link ConnectedClients}, starts its keepalive, and withdraws its listeners when
 * it goes.
 */
final class SessionTracker implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(SessionTracker.class);

    private final NodeId node;
    private final Listeners switchboard;
    private final ConnectedClients clients;
    private final ScheduledExecutorService scheduler;
    private final KeepAlive keepAlive;
    private final ForwardingPolicy policy;
    private final boolean disconnectExpired;
    private final WindowBudget windows;
    private final AtomicLong connectionCounter = new AtomicLong();

    /** @param windows the node's window budget, of which each connection gets an account */
    SessionTracker(NodeId node, Listeners switchboard, ConnectedClients clients, ScheduledExecutorService scheduler,
                   Duration keepAliveInterval, int keepAliveCount, ForwardingPolicy policy, boolean disconnectExpired,
                   WindowBudget windows) {
        this.node = node;
        this.switchboard = switchboard;
        this.clients = clients;
        this.scheduler = scheduler;
        this.keepAlive = KeepAlive.start(scheduler, keepAliveInterval, keepAliveCount);
        this.policy = policy;
        this.disconnectExpired = disconnectExpired;
        this.windows = windows;
    }

    @Override
    public void sessionCreated(Session session) {
        // Debug only: load-balancer health checks open a connection every few seconds per node.
        log.debug("connection from {}", ClientAddress.of(session));
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        ServerSession serverSession = (ServerSession) session;
        AuthorizedKey key = session.getAttribute(KeyAuthenticator.AUTHORIZED_KEY);
        String id = node + "-" + connectionCounter.incrementAndGet();
        UserCertificate certificate = session.getAttribute(KeyAuthenticator.CERTIFICATE);
        ClientConnection client = new ClientConnection(serverSession, key, certificate, id, node,
                ClientAddress.of(session), switchboard, policy, new WindowAccount(windows));
        session.setAttribute(ClientConnection.KEY, client);
        clients.add(client);
        log.info("authenticated: {} as '{}' with {} ({}:{}), aliases {}, access {}", ClientAddress.of(session),
                client.name(), client.identity(), key.file(), key.line(), key.aliases(), key.describeAccess());
        if (certificate != null && !certificate.forwarding()) {
            log.info("{}: its certificate lacks permit-port-forwarding, so it may neither listen nor initiate",
                    client.describe());
        }
        if (disconnectExpired) {
            client.disconnectAtExpiry(scheduler);
        }
        if (key.access().isEmpty()) {
            log.warn("{}: key {} has no access= option; it can neither listen nor initiate", client.describe(),
                    key.fingerprint());
        }
        keepAlive.watch(session);
    }

    @Override
    public void sessionClosed(Session session) {
        ClientConnection client = session.getAttribute(ClientConnection.KEY);
        if (client == null) {
            log.debug("connection closed: {} (not authenticated)", ClientAddress.of(session));
            return;
        }
        clients.remove(client);
        client.disconnected();
        log.info("connection closed: {}", client.describe());
    }
}
