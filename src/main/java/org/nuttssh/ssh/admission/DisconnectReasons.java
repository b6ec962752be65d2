package org.nuttssh.ssh.admission;

import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.nuttssh.config.Limit;
import org.nuttssh.metrics.Tally;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees MINA's own disconnects that enforce our limits, to log and count them (MINA logs them only at a level the
 * relay does not show) and to tell {@link SourcePenalties} why the connection ends. Every method lets the disconnect
 * go ahead.
 */
public final class DisconnectReasons implements SessionDisconnectHandler {

    private static final Logger log = LoggerFactory.getLogger(DisconnectReasons.class);

    private final Tally<Limit> refusals;
    private final SourcePenalties penalties;

    public DisconnectReasons(Tally<Limit> refusals, SourcePenalties penalties) {
        this.refusals = refusals;
        this.penalties = penalties;
    }

    @Override
    public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) {
        if (timeout.getStatus() == TimeoutIndicator.TimeoutStatus.AuthTimeout) {
            refusals.count(Limit.LOGIN_TIMEOUT);
            penalties.loginTimedOut(session);
            log.info("connection dropped: {} did not authenticate within {} s (login-timeout)",
                    ClientAddress.of(session), timeout.getThresholdValue().toSeconds());
        }
        return false;
    }

    @Override
    public boolean handleAuthCountDisconnectReason(Session session, Service service, String serviceName,
                                                   String method, String user, int currentAuthCount,
                                                   int maxAuthCount) {
        refusals.count(Limit.MAX_AUTH_ATTEMPTS);
        penalties.tooManyRequests(session);
        log.info("connection dropped: {}: {} authentication requests (max-auth-attempts)", ClientAddress.of(session),
                currentAuthCount);
        return false;
    }
}
