package org.nuttssh.ssh.admission;

import java.io.IOException;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.config.Limit;
import org.nuttssh.metrics.Tally;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code max-auth-attempts}: counts the keys refused on a connection, like OpenSSH's MaxAuthTries, and drops the
 * connection at the limit. Every refusal is also counted for the auth-failure metric.
 *
 * <p>MINA has its own count, of authentication requests of any kind; it still applies, set just above this one,
 * so that clients trying methods the relay does not offer (passwords) are dropped too.
 */
public final class AttemptLimit implements PublickeyAuthenticator {

    /** The accepted key costs up to two requests of MINA's count: the query, then the signed request. */
    public static final int REQUESTS_PER_ACCEPTED_KEY = 2;

    private static final Logger log = LoggerFactory.getLogger(AttemptLimit.class);
    private static final AttributeKey<AtomicInteger> REFUSED = new AttributeKey<>();

    private final PublickeyAuthenticator authenticator;
    private final int maxAttempts;
    private final Tally<Limit> refusals;
    private final LongAdder failures = new LongAdder();

    public AttemptLimit(PublickeyAuthenticator authenticator, int maxAttempts, Tally<Limit> refusals) {
        this.authenticator = authenticator;
        this.maxAttempts = maxAttempts;
        this.refusals = refusals;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        AtomicInteger refused = session.computeAttributeIfAbsent(REFUSED, k -> new AtomicInteger());
        if (refused.get() >= maxAttempts) {
            return false; // already being dropped; a client may still have a request in flight
        }
        if (authenticator.authenticate(username, key, session)) {
            return true;
        }
        failures.increment();
        if (refused.incrementAndGet() >= maxAttempts) {
            refusals.count(Limit.MAX_AUTH_ATTEMPTS);
            log.info("connection dropped: {}: {} keys refused (max-auth-attempts)", ClientAddress.of(session),
                    maxAttempts);
            try {
                session.disconnect(SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
                        "Too many authentication failures");
            } catch (IOException e) {
                session.close(true);
            }
        }
        return false;
    }

    /** Whether the connection had a key refused. */
    static boolean refusedAny(Session session) {
        AtomicInteger refused = session.getAttribute(REFUSED);
        return refused != null && refused.get() > 0;
    }

    /** Keys refused since start, on every connection. */
    public long failures() {
        return failures.sum();
    }
}
