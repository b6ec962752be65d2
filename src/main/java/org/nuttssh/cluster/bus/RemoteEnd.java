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
import org.nuttssh.memory.ReceiveWindow;
import org.nuttssh.memory.WindowAccount;
import org.nuttssh.memory.WindowBudget;
import org.nuttssh.registry.NodeId;

/**
 * A circuit end whose client is connected to another node: each side of a cross-node circuit runs a {@link Circuit}
 * with one local channel and one of these, and the two talk in frames over the event bus.
 *
 * <p>Credit works like an SSH window, granted by the receiving half. A sender starts with {@link #INITIAL_CREDIT}
 * (or {@link #FIRST_FORMAT_CREDIT} towards a node of release 0.1, which gives back exactly what it wrote);
 * a pump write goes out at once as {@code DATA} frames and completes (the local client's window reopens) as long as
 * the sender is within its credit, so bytes keep flowing while earlier ones cross the event bus. The receiving half
 * gives credit back in {@code ACK} frames only for bytes it has written to its SSH channel, and only as much as its
 * node's window budget allows, charged to the account of the local client it is joined to (a {@link ReceiveWindow}:
 * the credit grows as bytes pass, up to {@link WindowBudget#MAX_WINDOW}, and the heaviest shrink towards their fair
 * part when room is short). So what one direction can have in flight, and the far node queue, is that window plus
 * one write. Frames of one circuit arrive in order, so {@code EOF} and {@code CLOSE} never overtake the data before
 * them; the far half writes that data before it passes EOF or closes its channel.
 */
public final class RemoteEnd implements CircuitEnd {

    /**
     * Largest DATA frame. A pump write can be a whole SSH window (2 MiB); sent as one message it would be buffered
     * entirely by both event buses before the far side could start writing. Smaller frames pipeline through both
     * nodes; the credit is still the whole write.
     */
    static final int MAX_FRAME = 64 * 1024;

    /**
     * The credit a sender has before any ACK, on both halves by protocol: the receiving window's floor, which the
     * receiver's budget never takes back. (Waiting for every byte of a write to be acknowledged turned each window into
     * a round trip through both nodes; credit in flight keeps the pipe full while bounding the far side's queue.)
     */
    public static final long INITIAL_CREDIT = WindowBudget.MIN_WINDOW;

    /**
     * What a node of release 0.1 (df46318, before receivers granted credit) lets a sender have in flight, and gives
     * back byte for byte as it writes: a sender talking to such a node keeps this much in flight instead of
     * {@link #INITIAL_CREDIT}, which that node would never enlarge (a circuit would crawl at 32 KiB per round trip).
     */
    public static final long FIRST_FORMAT_CREDIT = 2 * 1024 * 1024;

    /**
     * While more bytes wait to be written here, credit goes back to the far node in pieces of at least this much, or
     * an eighth of the window when that is smaller. Each ACK is an event-bus message and a hand-over between threads
     * on both nodes; one per 32 KiB packet cost the two nodes 5-7 % more CPU per GB. An eighth of the window keeps
     * the far side's writes flowing.
     */
    public static final long ACK_BATCH = 256 * 1024;
    /** The part of the window that, held back, still leaves the far side room to write: see {@link #ACK_BATCH}. */
    private static final int ACK_BATCHES_PER_WINDOW = 8;

    private static final CompletionStage<Void> ACCEPTED = CompletableFuture.completedStage(null);

    private final UUID circuitId;
    private final NodeId peerNode;
    private final String description;
    private final Consumer<Frame> toPeer;
    private final Consumer<RemoteEnd> onGone;
    /** What this side may have in flight before the far node's first ACK. */
    private final long credit;

    // Guarded by this.
    private EndEvents circuit;
    private final Queue<Frame> early = new ArrayDeque<>();
    private CompletableFuture<Void> pendingWrite;
    /** Bytes sent that the far node has not given credit back for; a write waits while past the credit. */
    private long unacknowledged;
    /** The local end's account, which pays for what the far node sends here; known once attached. */
    private WindowAccount payer;
    /** What the far node may send here; opened when attached. */
    private ReceiveWindow window;
    /** Credit for the far node not sent yet; sent once it reaches a batch or nothing more waits. */
    private long unsentCredit;
    private boolean closed;

    /**
     * @param toPeer sends a frame to the far node, which hands it to its half of the same circuit
     * @param onGone called once when this end closes, so its owner can forget it
     * @param peerGrants whether the far node grants credit from its window budget ({@link #INITIAL_CREDIT} to
     *     start), or is of the first format and expects {@link #FIRST_FORMAT_CREDIT} in flight
     */
    RemoteEnd(UUID circuitId, NodeId peerNode, String description, Consumer<Frame> toPeer,
              Consumer<RemoteEnd> onGone, boolean peerGrants) {
        this.circuitId = circuitId;
        this.peerNode = peerNode;
        this.description = description;
        this.toPeer = toPeer;
        this.onGone = onGone;
        this.credit = peerGrants ? INITIAL_CREDIT : FIRST_FORMAT_CREDIT;
    }

    UUID circuitId() {
        return circuitId;
    }

    NodeId peerNode() {
        return peerNode;
    }

    /**
     * Opens the window for the far node's bytes, charged to the local end's account, then replays held frames under
     * the lock, so none can be overtaken by a newer one.
     */
    @Override
    public synchronized void attach(EndEvents circuit) {
        this.circuit = circuit;
        payer = circuit.joinedAccount();
        window = ReceiveWindow.open(payer, WindowBudget.MAX_WINDOW);
        if (closed) {
            window.close();
        }
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
            if (unacknowledged > credit) {
                held = new CompletableFuture<>();
                pendingWrite = held;
            }
        }
        for (int offset = data.rpos(); offset < data.wpos(); offset += MAX_FRAME) {
            toPeer.accept(Frame.data(circuitId, data.array(), offset, Math.min(MAX_FRAME, data.wpos() - offset)));
        }
        return held != null ? held : ACCEPTED;
    }

    /** Gives the far node back what the window allows, in batches while more of its bytes wait here. */
    @Override
    public void release(long bytes, boolean moreWaiting) {
        long credit;
        synchronized (this) {
            unsentCredit += window.passedOn(bytes);
            long batch = Math.min(ACK_BATCH, window.level() / ACK_BATCHES_PER_WINDOW);
            if (unsentCredit == 0 || moreWaiting && unsentCredit < batch) {
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

    /** The account of the local end this one is joined to, which pays for what the far node sends here. */
    @Override
    public synchronized WindowAccount account() {
        return payer;
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

    /** The far side gave {@code bytes} of credit; a held write goes on once what is in flight is within it. */
    private void acknowledged(long bytes) {
        CompletableFuture<Void> written;
        synchronized (this) {
            unacknowledged -= bytes;
            if (unacknowledged > credit) {
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
            if (window != null) {
                window.close();
            }
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
