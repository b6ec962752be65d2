package org.nuttssh.ssh.admission;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.nuttssh.config.Limit;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.metrics.Tally;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts SSH connections and turns away those over {@code max-connections} or {@code max-connection-rate}, and all
 * new ones while the heap is near {@code max-memory}. The total is checked as soon as a connection exists; the rate
 * and the memory once the client has sent its version line, because with {@code --proxy-protocol} its real address
 * is only known after the PROXY header that comes before that line, and because only then can the client be told
 * why. A refused connection is closed before any key exchange, so it costs almost nothing.
 */
public final class ConnectionGate implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
    /** Marks a connection that was counted as open, so its close is counted once. */
    private static final AttributeKey<Boolean> COUNTED = new AttributeKey<>();

    private final int maxConnections;
    private final ConnectionRate rate;
    private final MemoryGuard memory;
    private final Tally<Limit> refusals;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();

    /**
     * @param maxConnections    0 for no limit
     * @param maxConnectionRate new connections per second per source address; 0 for no limit
     */
    public ConnectionGate(int maxConnections, int maxConnectionRate, MemoryGuard memory, Tally<Limit> refusals) {
        this.maxConnections = maxConnections;
        this.memory = memory;
        this.rate = maxConnectionRate > 0 ? new ConnectionRate(maxConnectionRate, System.nanoTime()) : null;
        this.refusals = refusals;
    }

    @Override
    public void sessionCreated(Session session) {
        accepted.increment();
        if (!session.isOpen()) {
            // A listener before this one closed it (an untrusted proxy peer, a penalised source), and MINA has told
            // every listener of the close already: counted now, it would stay open in the count for ever.
            return;
        }
        session.setAttribute(COUNTED, Boolean.TRUE);
        int now = open.incrementAndGet();
        if (maxConnections > 0 && now > maxConnections) {
            refusals.count(Limit.MAX_CONNECTIONS);
            log.info("connection refused: {}: {} connections are open, the most allowed (max-connections)",
                    session.getRemoteAddress(), maxConnections);
            session.close(true);
        }
    }

    @Override
    public void sessionPeerIdentificationReceived(Session session, String version, List<String> extraLines) {
        if (!session.isServerSession()) {
            return;
        }
        InetSocketAddress address = ClientAddress.of(session);
        if (memory.refusesClients()) {
            refusals.count(Limit.MAX_MEMORY);
            log.warn("connection refused: {}: {}", address, memory.describe());
            disconnect(session, memory.describe());
        } else if (rate != null && !rate.admit(address.getAddress(), System.nanoTime())) {
            refusals.count(Limit.MAX_CONNECTION_RATE);
            log.info("connection refused: {}: more new connections per second from {} than allowed "
                    + "(max-connection-rate)", address, address.getAddress().getHostAddress());
            session.close(true);
        }
    }

    /**
     * Closes the connection with a reason the client prints ({@code Received disconnect from ...}). Both sides have
     * sent their version lines, so a disconnect message may go out in clear before the key exchange.
     */
    private static void disconnect(Session session, String reason) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, reason);
        } catch (IOException e) {
            session.close(true);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        if (session.removeAttribute(COUNTED) != null) {
            open.decrementAndGet();
        }
    }

    /** Connections open now, authenticated or not. */
    public int open() {
        return open.get();
    }

    /** Connections accepted since start, including refused ones. */
    public long accepted() {
        return accepted.sum();
    }
}
