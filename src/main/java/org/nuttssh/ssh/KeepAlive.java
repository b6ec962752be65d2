package org.nuttssh.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects dead clients the way OpenSSH's ClientAliveInterval does: a global request that wants a reply every
 * interval; after {@code maxUnanswered} requests without any reply the connection is dropped. Any reply, even
 * "unsupported", proves the client alive. Without this, a listener behind a vanished NAT would hold its name until
 * TCP gives up, which can take many minutes.
 */
final class KeepAlive {

    static final String REQUEST = "keepalive@openssh.com";

    private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);

    private final Session session;
    private final int maxUnanswered;
    private final AtomicInteger unanswered = new AtomicInteger();
    private ScheduledFuture<?> task;

    private KeepAlive(Session session, int maxUnanswered) {
        this.session = session;
        this.maxUnanswered = maxUnanswered;
    }

    /** Starts probing; the probes stop by themselves when the session closes. */
    static void start(Session session, ScheduledExecutorService scheduler, Duration interval, int maxUnanswered) {
        if (interval.isZero()) {
            return;
        }
        KeepAlive keepAlive = new KeepAlive(session, maxUnanswered);
        long millis = interval.toMillis();
        keepAlive.task = scheduler.scheduleWithFixedDelay(keepAlive::probe, millis, millis, TimeUnit.MILLISECONDS);
        session.addCloseFutureListener(future -> keepAlive.task.cancel(false));
    }

    private void probe() {
        if (!session.isOpen()) {
            task.cancel(false);
            return;
        }
        if (unanswered.get() >= maxUnanswered) {
            log.info("keepalive: no reply from {} to {} probes; disconnecting", session.getIoSession().getRemoteAddress(),
                    maxUnanswered);
            task.cancel(false);
            session.close(true);
            return;
        }
        try {
            unanswered.incrementAndGet();
            Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 8);
            buffer.putString(REQUEST);
            buffer.putBoolean(true);
            session.request(buffer, REQUEST, (cmd, reply) -> unanswered.set(0));
        } catch (IOException | RuntimeException e) {
            log.debug("keepalive to {} failed: {}", session.getIoSession().getRemoteAddress(), e.toString());
        }
    }
}
