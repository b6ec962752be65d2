package org.nuttssh.ssh.transport;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.SessionTimeoutListener;
import org.apache.sshd.common.util.GenericUtils;

/**
 * MINA's check of the login and idle timeouts, for only the sessions that still have one to run out.
 *
 * <p>MINA looks at every session it tracks once a second, and it tracks every session that has either timeout, for
 * the session's life. The relay has a login timeout and no idle timeout, so at 15,000 idle devices that was 15,000
 * sessions looked at a second for nothing once they had logged in, a few objects each (the time, durations, the
 * settings looked up anew): over half of what an idle relay allocated, and the busiest work of MINA's timer
 * (docs/performance.md). A session that logs in without an idle timeout is let go here; until then it is checked as
 * before.
 */
final class LoginTimeouts extends SessionTimeoutListener {

    /** MINA's own listener, which also schedules the check while it tracks any session and stops it otherwise. */
    private final SessionTimeoutListener mina;

    LoginTimeouts(SessionTimeoutListener mina) {
        this.mina = mina;
    }

    @Override
    public void sessionCreated(Session session) {
        mina.sessionCreated(session);
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated && !GenericUtils.isPositive(session.getIdleTimeout())) {
            mina.sessionClosed(session); // no longer tracked: no timeout of its own is left to run out
        }
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        mina.sessionException(session, t);
    }

    @Override
    public void sessionClosed(Session session) {
        mina.sessionClosed(session);
    }

    @Override
    public void run() {
        mina.run();
    }
}
