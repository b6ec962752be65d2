package org.nuttssh.ssh.admission;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.nuttssh.config.Limit;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.metrics.Tally;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code per-source-penalties}: a connection that ends without logging in costs its source (an address, an IPv6
 * /64) the time of its offence (see {@link PerSourcePenalties}), and a source whose penalty is active has its new
 * connections closed as soon as its address is known, before the relay's key exchange. Connections under way are
 * left alone, and a connection that logs in costs nothing, whatever keys it had refused first; a login does not
 * forgive a source's earlier offences either, as in OpenSSH.
 *
 * <p>The source is the TCP peer, or with {@code --proxy-protocol} the client the trusted proxy's header names, known
 * only once the header is read ({@link #sourceKnown}): a proxy is never penalised for its clients. A connection that
 * ends before it agreed on a key exchange costs nothing: the relay spent next to nothing on it, and it may have been
 * turned away by the relay's own limits.
 */
public final class SourcePenalties implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(SourcePenalties.class);
    private static final AttributeKey<Conduct> CONDUCT = new AttributeKey<>();

    /** What a connection ending without a login did, with its cost. */
    private enum Offence {
        AUTH_FAIL("failed to log in"), NO_AUTH("made a key exchange and no login attempt"),
        GRACE_EXCEEDED("did not log in within login-timeout");

        private final String text;

        Offence(String text) {
            this.text = text;
        }
    }

    /** One connection's conduct so far; events arrive on different threads. */
    private static final class Conduct {
        final CidrBlock source;
        volatile boolean negotiated;
        volatile boolean authenticated;
        volatile boolean timedOut;
        volatile boolean tooManyRequests;

        Conduct(CidrBlock source) {
            this.source = source;
        }
    }

    private final PerSourcePenalties settings;
    private final boolean sourceFromProxyHeader;
    private final Tally<Limit> refusals;
    private final PenaltyBox box;
    private final LongAdder started = new LongAdder();

    /**
     * @param sourceFromProxyHeader the source is known only once a PROXY header has been read, and
     *                              {@link #sourceKnown} is called then
     */
    public SourcePenalties(PerSourcePenalties settings, boolean sourceFromProxyHeader, Tally<Limit> refusals) {
        this.settings = settings;
        this.sourceFromProxyHeader = sourceFromProxyHeader;
        this.refusals = refusals;
        this.box = new PenaltyBox(settings.min(), settings.max(), settings.maxSources());
    }

    @Override
    public void sessionCreated(Session session) {
        if (session.isServerSession() && !sourceFromProxyHeader) {
            sourceKnown(session);
        }
    }

    /** The connection's client address is final now (the TCP peer, or a PROXY header's): refuse it if penalised. */
    public void sourceKnown(Session session) {
        IpAddress address = IpAddress.of(ClientAddress.of(session).getAddress());
        if (!settings.enabled() || settings.exempts(address) || !session.isOpen()) {
            return;
        }
        CidrBlock source = CidrBlock.sourceOf(address);
        Optional<Duration> refused = box.refusal(source, System.nanoTime());
        if (refused.isPresent()) {
            refusals.count(Limit.PER_SOURCE_PENALTIES);
            // Not at info level: a penalised source that keeps trying would flood the log; its start is logged.
            log.debug("connection refused: {}: {} is penalised for {} s more (per-source-penalties)",
                    ClientAddress.of(session), source, seconds(refused.get()));
            session.close(true);
            return;
        }
        session.setAttribute(CONDUCT, new Conduct(source));
    }

    @Override
    public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> clientProposal,
                                      Map<KexProposalOption, String> serverProposal,
                                      Map<KexProposalOption, String> negotiatedOptions, Throwable reason) {
        Conduct conduct = session.getAttribute(CONDUCT);
        if (conduct != null && reason == null) {
            conduct.negotiated = true;
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        Conduct conduct = session.getAttribute(CONDUCT);
        if (conduct != null && event == Event.Authenticated) {
            conduct.authenticated = true;
        }
    }

    /** MINA is dropping the connection for {@code login-timeout}. */
    void loginTimedOut(Session session) {
        Conduct conduct = session.getAttribute(CONDUCT);
        if (conduct != null) {
            conduct.timedOut = true;
        }
    }

    /** MINA is dropping the connection for more authentication requests than allowed, of methods the relay lacks. */
    void tooManyRequests(Session session) {
        Conduct conduct = session.getAttribute(CONDUCT);
        if (conduct != null) {
            conduct.tooManyRequests = true;
        }
    }

    @Override
    public void sessionClosed(Session session) {
        Conduct conduct = session.removeAttribute(CONDUCT);
        if (conduct == null || conduct.authenticated) {
            return;
        }
        Offence offence = conduct.timedOut ? Offence.GRACE_EXCEEDED
                : conduct.tooManyRequests || AttemptLimit.refusedAny(session) ? Offence.AUTH_FAIL
                : conduct.negotiated ? Offence.NO_AUTH : null;
        if (offence == null) {
            return;
        }
        Duration time = switch (offence) {
            case AUTH_FAIL -> settings.authFail();
            case NO_AUTH -> settings.noAuth();
            case GRACE_EXCEEDED -> settings.graceExceeded();
        };
        if (time.isZero()) {
            return;
        }
        box.penalise(conduct.source, time, System.nanoTime()).ifPresent(refused -> {
            started.increment();
            log.info("penalising {}: its new connections are refused for {} s (per-source-penalties), after one"
                    + " from {} {}", conduct.source, seconds(refused), ClientAddress.of(session), offence.text);
        });
    }

    /** Sources whose connections are refused now. */
    public int penalisedSources() {
        return box.active(System.nanoTime());
    }

    /** Penalties that started since start, each the moment a source's connections began to be refused. */
    public long penaltiesStarted() {
        return started.sum();
    }

    /** Whole seconds, rounded up: a penalty of 0.4 s still refuses. */
    private static long seconds(Duration time) {
        return (time.toMillis() + 999) / 1000;
    }
}
