package org.nuttssh.ssh.admission;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.nuttssh.config.Limit;
import org.nuttssh.config.MaxStartups;
import org.nuttssh.metrics.Tally;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections not yet authenticated, counted in all and by source, like OpenSSH's MaxStartups and
 * PerSourceMaxStartups: a new connection over {@code max-startups} is dropped at random (always, from its FULL
 * count on), and one from a source (an address, or an IPv6 /64) that has {@code max-startups-per-source} handshakes
 * under way is dropped. Dropped connections are closed before key exchange. A connection stops counting when it
 * authenticates or closes.
 *
 * <p>The source is the TCP peer, or with {@code --proxy-protocol} the address the trusted proxy's header names; the
 * header arrives after the connection, so then the source is counted once the header is read
 * ({@link #sourceKnown}).
 */
public final class StartupGate implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(StartupGate.class);
    private static final AttributeKey<Handshake> HANDSHAKE = new AttributeKey<>();
    private static final int PERCENT = 100;

    private final MaxStartups maxStartups;
    private final int maxPerSource;
    private final boolean sourceFromProxyHeader;
    private final Tally<Limit> refusals;
    /** Percent, 0 to 99; a test may make the draw predictable. */
    private final IntUnaryOperator random;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<CidrBlock, Integer> pendingBySource = new ConcurrentHashMap<>();

    /**
     * One connection's place in the counts. Authentication, close and the source becoming known can happen on
     * different threads; under its lock each is counted once, and a source counted is always released.
     */
    private final class Handshake {
        private CidrBlock source;
        private boolean settled;

        /** @return how many were pending from the source before, or -1 if it was counted already or is settled */
        synchronized int countSource(CidrBlock block) {
            if (settled || source != null) {
                return -1;
            }
            source = block;
            int[] before = new int[1];
            pendingBySource.compute(block, (key, count) -> {
                before[0] = count == null ? 0 : count;
                return before[0] + 1;
            });
            return before[0];
        }

        synchronized void settle() {
            if (settled) {
                return;
            }
            settled = true;
            pending.decrementAndGet();
            if (source != null) {
                pendingBySource.computeIfPresent(source, (key, count) -> count == 1 ? null : count - 1);
            }
        }
    }

    /**
     * @param sourceFromProxyHeader the source is known only once a PROXY header has been read, and
     *                              {@link #sourceKnown} is called then
     */
    public StartupGate(MaxStartups maxStartups, int maxPerSource, boolean sourceFromProxyHeader, Tally<Limit> refusals) {
        this(maxStartups, maxPerSource, sourceFromProxyHeader, refusals, bound -> ThreadLocalRandom.current()
                .nextInt(bound));
    }

    StartupGate(MaxStartups maxStartups, int maxPerSource, boolean sourceFromProxyHeader, Tally<Limit> refusals,
                IntUnaryOperator random) {
        this.maxStartups = maxStartups;
        this.maxPerSource = maxPerSource;
        this.sourceFromProxyHeader = sourceFromProxyHeader;
        this.refusals = refusals;
        this.random = random;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!session.isServerSession() || !session.isOpen()) {
            return; // closed by a listener before this one, whose close every listener has been told of already
        }
        int before = pending.getAndIncrement();
        session.setAttribute(HANDSHAKE, new Handshake());
        if (drop(before)) {
            refusals.count(Limit.MAX_STARTUPS);
            log.info("connection refused: {}: {} connections are not authenticated yet (max-startups {})",
                    session.getRemoteAddress(), before, maxStartups);
            session.close(true);
            return;
        }
        if (!sourceFromProxyHeader) {
            sourceKnown(session);
        }
    }

    /** The connection's client address is final now (the TCP peer, or a PROXY header's): count it by source. */
    public void sourceKnown(Session session) {
        Handshake handshake = session.getAttribute(HANDSHAKE);
        if (maxPerSource <= 0 || handshake == null) {
            return;
        }
        InetSocketAddress client = ClientAddress.of(session);
        CidrBlock source = CidrBlock.sourceOf(IpAddress.of(client.getAddress()));
        int before = handshake.countSource(source);
        if (before >= maxPerSource) {
            refusals.count(Limit.MAX_STARTUPS_PER_SOURCE);
            log.info("connection refused: {}: {} connections from {} are not authenticated yet "
                    + "(max-startups-per-source)", client, before, source);
            session.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            settled(session);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        settled(session);
    }

    /** Connections not authenticated yet, on this node. */
    public int pending() {
        return pending.get();
    }

    /** OpenSSH's random early drop, given how many were pending before this one. */
    private boolean drop(int before) {
        if (!maxStartups.isLimited() || before < maxStartups.start()) {
            return false;
        }
        if (before >= maxStartups.full()) {
            return true;
        }
        int span = maxStartups.full() - maxStartups.start();
        int percent = maxStartups.rate() + (PERCENT - maxStartups.rate()) * (before - maxStartups.start()) / span;
        return random.applyAsInt(PERCENT) < percent;
    }

    private void settled(Session session) {
        Handshake handshake = session.getAttribute(HANDSHAKE);
        if (handshake != null) {
            handshake.settle();
        }
    }
}
