package org.nuttssh.circuit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.nuttssh.memory.WindowAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual connection between an initiator and a listening client: two ends and a pump each way.
 *
 * <p>Half-close passes through: EOF from one end reaches the other once the bytes before it are written. When an end
 * closes, nothing more can be delivered to it, but what it sent before is still written to the other end, which is
 * then closed. The circuit is over when both ends are closed.
 */
public final class Circuit {

    private static final Logger log = LoggerFactory.getLogger(Circuit.class);

    private final CircuitEnd initiator;
    private final CircuitEnd target;
    private final Pump up;
    private final Pump down;
    private final Instant openedAt = Instant.now();
    private final Consumer<Circuit> onFinished;

    // Guarded by this.
    private boolean initiatorClosed;
    private boolean targetClosed;
    private boolean finished;
    /** What ended the circuit, for its audit record: the first of a close, a failed write, or {@link #close}. */
    private String closeReason;

    /**
     * @param onFinished called once, after both ends have closed
     */
    public Circuit(CircuitEnd initiator, CircuitEnd target, Consumer<Circuit> onFinished) {
        this.initiator = initiator;
        this.target = target;
        this.up = new Pump(initiator, target, () -> onDrained(initiator), failure -> onWriteFailed(target, failure));
        this.down = new Pump(target, initiator, () -> onDrained(target), failure -> onWriteFailed(initiator, failure));
        this.onFinished = onFinished;
    }

    /**
     * Lets the ends deliver events. Bytes towards the initiator wait until {@link #initiatorReady()}, because its
     * channel open is confirmed only once the target has accepted.
     */
    public void start() {
        up.start();
        initiator.attach(eventsOf(initiator));
        target.attach(eventsOf(target));
    }

    /** The initiator's channel is confirmed: bytes from the target may flow to it now. */
    public void initiatorReady() {
        down.start();
    }

    public CircuitEnd initiator() {
        return initiator;
    }

    public CircuitEnd target() {
        return target;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /** Bytes delivered from initiator to target so far. */
    public long bytesUp() {
        return up.bytes();
    }

    /** Bytes delivered from target to initiator so far. */
    public long bytesDown() {
        return down.bytes();
    }

    /** Why the circuit ended or is ending; null while both ends are open. */
    public synchronized String closeReason() {
        return closeReason;
    }

    /**
     * Ends the circuit from the relay's side (a kick, a revoked key, a shutdown): both ends close, bytes already
     * written are still delivered.
     */
    public void close(String reason) {
        noteCloseReason(reason);
        initiator.close();
        target.close();
    }

    /** What {@code end} reports reaches this circuit as coming from its side. */
    private EndEvents eventsOf(CircuitEnd end) {
        Pump outgoing = from(end);
        return new EndEvents() {
            @Override
            public void onData(Buffer data) {
                outgoing.onData(data);
            }

            @Override
            public void onEof() {
                outgoing.onEof();
            }

            @Override
            public void onClosed() {
                Circuit.this.onClosed(end);
            }

            @Override
            public WindowAccount joinedAccount() {
                return other(end).account();
            }
        };
    }

    private void onClosed(CircuitEnd from) {
        noteCloseReason(from == initiator ? "initiator closed" : "target closed");
        Pump outgoing = from(from);
        synchronized (this) {
            if (from == initiator) {
                initiatorClosed = true;
            } else {
                targetClosed = true;
            }
        }
        towards(from).stop();
        // A close without EOF still ends the stream: flush what this end sent, then close the other end.
        outgoing.onEof();
        if (outgoing.isDrained()) {
            other(from).close();
        }
        finishIfBothClosed();
    }

    private void onDrained(CircuitEnd source) {
        if (isClosed(source)) {
            other(source).close();
        }
    }

    private void onWriteFailed(CircuitEnd sink, Throwable failure) {
        if (isClosed(sink)) {
            return; // expected: it closed while a write to it was under way; the other way may still be flushing
        }
        log.debug("circuit {}: write to {} failed: {}", this, sink.describe(), failure.toString());
        noteCloseReason("write to " + sink.describe() + " failed");
        initiator.close();
        target.close();
    }

    private synchronized void noteCloseReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    private synchronized boolean isClosed(CircuitEnd end) {
        return end == initiator ? initiatorClosed : targetClosed;
    }

    private void finishIfBothClosed() {
        synchronized (this) {
            if (finished || !initiatorClosed || !targetClosed) {
                return;
            }
            finished = true;
        }
        // The audit record is written by whoever knows who the initiator is (the switchboard); this is the detail.
        log.debug("circuit closed: {} -> {}, {} bytes up, {} bytes down, {} ms, {}", initiator.describe(),
                target.describe(), bytesUp(), bytesDown(), Duration.between(openedAt, Instant.now()).toMillis(),
                closeReason());
        onFinished.accept(this);
    }

    private Pump from(CircuitEnd end) {
        return end == initiator ? up : down;
    }

    private Pump towards(CircuitEnd end) {
        return end == initiator ? down : up;
    }

    private CircuitEnd other(CircuitEnd end) {
        return end == initiator ? target : initiator;
    }

    @Override
    public String toString() {
        return initiator.describe() + " -> " + target.describe();
    }
}
