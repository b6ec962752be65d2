package org.nuttssh.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.nuttssh.ssh.transport.FixedPoolIoServiceFactory;
import org.nuttssh.ssh.transport.HeardFrom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects dead clients the way OpenSSH's ClientAliveInterval does: a client silent for an interval gets a global
 * request that wants a reply; after {@code maxUnanswered} requests without any reply the connection is dropped. Any
 * reply, even "unsupported", proves the client alive, and a client heard from of its own accord within the interval
 * (its own keepalives, traffic) is not probed at all. Without this, a listener behind a vanished NAT would hold its
 * name until TCP gives up, which can take many minutes.
 *
 * <p>One timer task visits the sessions instead of a task per session: they are spread over the slots of a wheel
 * that turns once per interval, a slot per {@link #TICK}, so that each is looked at once an interval, one interval
 * after it logged in, and the probes of a fleet come a few at a time rather than all at once. The slots belong to
 * the timer thread; sessions reach them through a queue. The timer decides whom to probe; the probes are written
 * from the I/O threads, a few to a task, where a write goes out at once instead of waking two more threads
 * ({@link FixedPoolIoServiceFactory#ioThreads}).
 */
final class KeepAlive {

    static final String REQUEST = "keepalive@openssh.com";
    /**
     * How often the wheel moves on by one slot. At 15,000 devices and a 30 s interval a slot holds 50; a finer tick
     * would wake the timer more often for no evener spread that a device could notice.
     */
    static final Duration TICK = Duration.ofMillis(100);
    /**
     * Probes written by one task on an I/O thread. A write that completes at once there runs its completion on the
     * same thread, and the JDK lets at most 16 of them pile up on a thread's stack (its
     * {@code sun.nio.ch.maxCompletionHandlersOnStack}) before it leaves the next write to the socket's readiness
     * event, as for a write from any other thread.
     */
    static final int PROBES_PER_TASK = 16;
    private static final byte[] REQUEST_NAME = REQUEST.getBytes(StandardCharsets.US_ASCII);

    private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);

    private final boolean probing;
    private final int maxUnanswered;
    private final List<List<Watched>> slots;
    private final Queue<Watched> arriving = new ConcurrentLinkedQueue<>();
    private int cursor;

    private KeepAlive(boolean probing, int slotCount, int maxUnanswered) {
        this.probing = probing;
        this.maxUnanswered = maxUnanswered;
        this.slots = new ArrayList<>(slotCount);
        for (int i = 0; i < slotCount; i++) {
            slots.add(new ArrayList<>());
        }
    }

    /** Starts the wheel on {@code scheduler}; with a zero interval, nothing is probed. */
    static KeepAlive start(ScheduledExecutorService scheduler, Duration interval, int maxUnanswered) {
        int slotCount = (int) Math.max(1, interval.toMillis() / TICK.toMillis());
        KeepAlive keepAlive = new KeepAlive(!interval.isZero(), slotCount, maxUnanswered);
        if (keepAlive.probing) {
            long tick = interval.toMillis() / slotCount;
            scheduler.scheduleAtFixedRate(keepAlive::turn, tick, tick, TimeUnit.MILLISECONDS);
        }
        return keepAlive;
    }

    /** Watches a session from now until it closes: it is first looked at one interval from now. */
    void watch(Session session) {
        if (!probing) {
            return;
        }
        Watched watched = new Watched(session);
        session.addCloseFutureListener(watched);
        arriving.add(watched);
    }

    /**
     * On the timer thread: files the sessions that arrived into the slot just visited, then visits the next and sends
     * the probes its sessions need.
     */
    private void turn() {
        for (Watched watched = arriving.poll(); watched != null; watched = arriving.poll()) {
            slots.get(cursor).add(watched);
        }
        cursor = (cursor + 1) % slots.size();
        List<Watched> slot = slots.get(cursor);
        List<Session> probed = new ArrayList<>();
        for (int i = slot.size() - 1; i >= 0; i--) {
            if (!visit(slot.get(i), probed)) {
                Watched last = slot.remove(slot.size() - 1);
                if (i < slot.size()) {
                    slot.set(i, last);
                }
            }
        }
        for (int from = 0; from < probed.size(); from += PROBES_PER_TASK) {
            send(probed.subList(from, Math.min(probed.size(), from + PROBES_PER_TASK)));
        }
    }

    /** A failure with one session must not end the task: a periodic task that throws is never run again. */
    private static boolean visit(Watched watched, List<Session> probed) {
        try {
            return watched.visit(probed);
        } catch (RuntimeException e) {
            log.warn("keepalive: visiting a session failed", e);
            return true;
        }
    }

    /** One watched session; forgets it as soon as it closes, so that a closed session is not held for an interval. */
    private final class Watched implements SshFutureListener<CloseFuture> {

        private volatile Session session;
        private int unanswered;

        Watched(Session session) {
            this.session = session;
        }

        @Override
        public void operationComplete(CloseFuture future) {
            session = null;
        }

        /** Adds the session to {@code probed} if it needs a probe; false once it is gone (or dropped now). */
        boolean visit(List<Session> probed) {
            Session open = session;
            if (open == null || !open.isOpen()) {
                return false;
            }
            // Every session of the relay's server is a HeardFrom (RelaySshServer makes them).
            int heard = ((HeardFrom) open).takeHeard();
            if (heard != 0) {
                unanswered = 0;
            }
            if ((heard & HeardFrom.OWN_PACKET) != 0) {
                return true;
            }
            if (unanswered >= maxUnanswered) {
                log.info("keepalive: no reply from {} to {} probes; disconnecting",
                        open.getIoSession().getRemoteAddress(), maxUnanswered);
                open.close(true);
                return false;
            }
            unanswered++;
            probed.add(open);
            return true;
        }
    }

    /** Probes {@code sessions} from an I/O thread of theirs. */
    private static void send(List<Session> sessions) {
        try {
            FixedPoolIoServiceFactory.ioThreads(sessions.get(0)).execute(() -> sessions.forEach(KeepAlive::probe));
        } catch (RejectedExecutionException e) {
            log.debug("keepalive: the I/O threads are gone: {}", e.toString()); // the server is stopping
        }
    }

    /** Sends a probe: its reply is noticed by the session ({@link HeardFrom#REPLY}), so nothing waits for it. */
    private static void probe(Session session) {
        try {
            Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST_NAME.length + 8);
            buffer.putBytes(REQUEST_NAME);
            buffer.putBoolean(true);
            session.writePacket(buffer);
        } catch (IOException | RuntimeException e) {
            log.debug("keepalive to {} failed: {}", session.getIoSession().getRemoteAddress(), e.toString());
        }
    }
}
