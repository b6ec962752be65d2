package org.nuttssh.cluster.bus;

import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.EndEvents;
import org.nuttssh.registry.NodeId;

/**
 * A circuit end whose client is connected to another node: each side of a cross-node circuit runs a {@link Circuit}
 * with one local channel and one of these, and the two talk in frames over the event bus.
 *
 * <p>Credits: a pump write goes out at once as {@code DATA} frames, and the far node's {@code ACK}s count bytes as
 * they reach the SSH channel there (in pieces of {@link #ACK_BATCH} while more wait). A write completes (and the
 * local client's window reopens) as soon as no more than {@link #IN_FLIGHT_LIMIT} bytes are unacknowledged, so
 * bytes keep flowing while earlier ones cross the event bus, and what one direction can have in flight stays below
 * that limit plus one write (itself bounded by one SSH window). Frames of one circuit arrive in order, so {@code EOF}
 * and {@code CLOSE} never overtake the data before them; the far half writes that data before it passes EOF or
 * closes its channel.
 */
public final class RemoteEnd implements CircuitEnd {

    /**
     * Largest DATA frame. A pump write can be a whole SSH window (2 MiB); sent as one message it would be buffered
     * entirely by both event buses before the far side could start writing. Smaller frames pipeline through both
     * nodes; the credit is still the whole write.
     */
    static final int MAX_FRAME = 64 * 1024;

    /**
     * Unacknowledged bytes past which a write waits for ACKs. Waiting for every byte of a write to be acknowledged
     * turned each window into a round trip through both nodes (cross-node ran at half the single-node speed); one
     * SSH window's worth in flight keeps the pipe full on loopback and LAN links while bounding the far side's queue.
     */
    public static final long IN_FLIGHT_LIMIT = 2 * 1024 * 1024;

    /**
     * While more bytes wait to be written here, credit goes back to the far node in pieces of at least this much.
     * Each ACK is an event-bus message and a hand-over between threads on both nodes; one per 32 KiB packet cost the
     * two nodes 5-7 % more CPU per GB. An eighth of {@link #IN_FLIGHT_LIMIT} keeps the far side's writes flowing.
     */
    public static final long ACK_BATCH = 256 * 1024;

    private static final CompletionStage<Void> ACCEPTED = CompletableFuture.completedStage(null);

    private final UUID circuitId;
    private final NodeId peerNode;
    private final String description;
    private final Consumer<Frame> toPeer;
    private final Consumer<RemoteEnd> onGone;

    // Guarded by this.
    private EndEvents circuit;
    private final Queue<Frame> early = new ArrayDeque<>();
    private CompletableFuture<Void> pendingWrite;
    private long unacknowledged;
    /** Credit for the far node not sent yet; sent once it reaches ACK_BATCH or nothing more waits. */
    private long unsentCredit;
    private boolean closed;

    /**
     * @param toPeer sends a frame to the far node, which hands it to its half of the same circuit
     * @param onGone called once when this end closes, so its owner can forget it
     */
    RemoteEnd(UUID circuitId, NodeId peerNode, String description, Consumer<Frame> toPeer,
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

    NodeId peerNode() {
        return peerNode;
    }

    /** Replays held frames under the lock, so none can be overtaken by a newer one. */
    @Override
    public synchronized void attach(EndEvents circuit) {
        this.circuit = circuit;
        while (!early.isEmpty()) {
            receive(early.poll());
        }
    }

    @Override
    public CompletionStage<Void> write(Buffer data) {
        CompletableFuture<Void> held = null;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedStage(new EOFException(description + " is closed"));
            }
            unacknowledged += data.available();
            if (unacknowledged > IN_FLIGHT_LIMIT) {
                held = new CompletableFuture<>();
                pendingWrite = held;
            }
        }
        for (int offset = data.rpos(); offset < data.wpos(); offset += MAX_FRAME) {
            toPeer.accept(Frame.data(circuitId, data.array(), offset, Math.min(MAX_FRAME, data.wpos() - offset)));
        }
        return held != null ? held : ACCEPTED;
    }

    @Override
    public void release(long bytes, boolean moreWaiting) {
        long credit;
        synchronized (this) {
            unsentCredit += bytes;
            if (moreWaiting && unsentCredit < ACK_BATCH) {
                return;
            }
            credit = unsentCredit;
            unsentCredit = 0;
        }
        toPeer.accept(Frame.ack(circuitId, credit));
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
    synchronized void receive(Frame frame) {
        EndEvents target = circuit;
        if (target == null) {
            early.add(frame);
            return;
        }
        switch (frame.kind()) {
            case DATA -> target.onData(new ByteArrayBuffer(frame.bytes(), frame.offset(), frame.length()));
            case ACK -> acknowledged(frame.count());
            case EOF -> target.onEof();
            case CLOSE -> peerLost();
        }
    }

    /** The far side wrote {@code bytes} more; a held write goes on once the rest in flight is within the limit. */
    private void acknowledged(long bytes) {
        CompletableFuture<Void> written;
        synchronized (this) {
            unacknowledged -= bytes;
            if (unacknowledged > IN_FLIGHT_LIMIT) {
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
        EndEvents target;
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
            target.onClosed();
        }
    }
}
