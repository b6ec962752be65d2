package org.nuttssh.circuit;

import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;


/**
 * A circuit end whose client is connected to another node: each side of a cross-node circuit runs a {@link Circuit}
 * with one local channel and one of these, and the two talk in frames over the event bus.
 *
 * <p>Credits: a pump write goes out as {@code DATA} frames and completes only when the far node's {@code ACK}s say
 * all its bytes reached the SSH channel there, so the local client's window is released only then, and at most one
 * write's worth of bytes (bounded by one SSH window) is in flight per direction. {@code EOF} and {@code CLOSE} are
 * only sent after the data before them was acknowledged.
 */
public final class RemoteEnd implements CircuitEnd {

    /**
     * Largest DATA frame. A pump write can be a whole SSH window (2 MiB); sent as one message it would be buffered
     * entirely by both event buses before the far side could start writing. Smaller frames pipeline through both
     * nodes; the credit is still the whole write.
     */
    static final int MAX_FRAME = 64 * 1024;

    private final UUID circuitId;
    private final String peerNode;
    private final String description;
    private final Consumer<io.vertx.core.buffer.Buffer> toPeer;
    private final Consumer<RemoteEnd> onGone;

    // Guarded by this.
    private Circuit circuit;
    private final Queue<io.vertx.core.buffer.Buffer> early = new ArrayDeque<>();
    private CompletableFuture<Void> pendingWrite;
    private long unacknowledged;
    private boolean closed;

    /**
     * @param toPeer sends a frame to the far node, which hands it to its half of the same circuit
     * @param onGone called once when this end closes, so its owner can forget it
     */
    RemoteEnd(UUID circuitId, String peerNode, String description, Consumer<io.vertx.core.buffer.Buffer> toPeer,
              Consumer<RemoteEnd> onGone) {
        this.circuitId = circuitId;
        this.peerNode = peerNode;
        this.description = description;
        this.toPeer = toPeer;
        this.onGone = onGone;
    }

    UUID circuitId() {
        return circuitId;
    }

    String peerNode() {
        return peerNode;
    }

    /** Replays held frames under the lock, so none can be overtaken by a newer one. */
    @Override
    public synchronized void attach(Circuit circuit) {
        this.circuit = circuit;
        while (!early.isEmpty()) {
            receive(early.poll());
        }
    }

    @Override
    public CompletionStage<Void> write(Buffer data) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                written.completeExceptionally(new EOFException(description + " is closed"));
                return written;
            }
            pendingWrite = written;
            unacknowledged = data.available();
        }
        for (int offset = data.rpos(); offset < data.wpos(); offset += MAX_FRAME) {
            toPeer.accept(Frame.data(circuitId, data.array(), offset, Math.min(MAX_FRAME, data.wpos() - offset)));
        }
        return written;
    }

    @Override
    public void release(long bytes) {
        toPeer.accept(Frame.ack(circuitId, bytes));
    }

    @Override
    public void shutdownOutput() {
        toPeer.accept(Frame.eof(circuitId));
    }

    @Override
    public void close() {
        if (markClosed()) {
            toPeer.accept(Frame.close(circuitId));
            closed();
        }
    }

    /** The far node is gone: behave as if it had closed this end. */
    void peerLost() {
        if (markClosed()) {
            closed();
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** A frame from the far half; handled under this end's lock, in arrival order. */
    synchronized void receive(io.vertx.core.buffer.Buffer frame) {
        Circuit target = circuit;
        if (target == null) {
            early.add(frame);
            return;
        }
        switch (Frame.type(frame)) {
            case DATA -> target.onData(this, new ByteArrayBuffer(Frame.payload(frame)));
            case ACK -> acknowledged(Frame.count(frame));
            case EOF -> target.onEof(this);
            case CLOSE -> peerLost();
        }
    }

    /** The far side wrote {@code bytes} more of the pending write; it completes when all of it is written. */
    private void acknowledged(long bytes) {
        CompletableFuture<Void> written;
        synchronized (this) {
            unacknowledged -= bytes;
            if (unacknowledged > 0) {
                return;
            }
            written = pendingWrite;
            pendingWrite = null;
        }
        if (written != null) {
            written.complete(null);
        }
    }

    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void closed() {
        CompletableFuture<Void> written;
        Circuit target;
        synchronized (this) {
            written = pendingWrite;
            pendingWrite = null;
            target = circuit;
        }
        if (written != null) {
            written.completeExceptionally(new EOFException(description + " closed"));
        }
        onGone.accept(this);
        if (target != null) {
            target.onClosed(this);
        }
    }
}
