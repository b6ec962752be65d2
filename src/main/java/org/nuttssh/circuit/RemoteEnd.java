package org.nuttssh.circuit;

import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * A circuit end whose client is connected to another node: each side of a cross-node circuit runs a {@link Circuit}
 * with one local channel and one of these, and the two talk in frames over the event bus.
 *
 * <p>Credits: a {@code DATA} frame is one pump write; it completes only when the far node's {@code ACK} says the
 * bytes reached its SSH channel, so the local client's window is released only then, and at most one write's worth of
 * bytes (bounded by one SSH window) is in flight per direction. Frames of one direction therefore never overtake each
 * other, and {@code EOF} and {@code CLOSE} are only sent after the data before them was acknowledged.
 */
public final class RemoteEnd implements CircuitEnd {

    private final EventBus eventBus;
    private final String localAddress;
    private final String peerNode;
    private final String description;
    private final Consumer<RemoteEnd> onGone;
    private final MessageConsumer<io.vertx.core.buffer.Buffer> consumer;

    // Guarded by this.
    private String peerAddress;
    private Circuit circuit;
    private final Queue<io.vertx.core.buffer.Buffer> early = new ArrayDeque<>();
    private CompletableFuture<Void> pendingWrite;
    private boolean closed;

    /**
     * Starts receiving frames at {@code localAddress} at once; they are held until {@link #attach}.
     *
     * @param onGone called once when this end closes, so its owner can forget it
     */
    RemoteEnd(EventBus eventBus, String localAddress, String peerNode, String description,
              Consumer<RemoteEnd> onGone) {
        this.eventBus = eventBus;
        this.localAddress = localAddress;
        this.peerNode = peerNode;
        this.description = description;
        this.onGone = onGone;
        this.consumer = eventBus.consumer(localAddress, message -> receive(message.body()));
    }

    String localAddress() {
        return localAddress;
    }

    String peerNode() {
        return peerNode;
    }

    synchronized void connectTo(String address) {
        this.peerAddress = address;
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
        }
        send(Frame.data(data.array(), data.rpos(), data.available()));
        return written;
    }

    @Override
    public void release(long bytes) {
        send(Frame.ack(bytes));
    }

    @Override
    public void shutdownOutput() {
        send(Frame.eof());
    }

    @Override
    public void close() {
        if (markClosed()) {
            send(Frame.close());
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

    /** Frames are handled under this end's lock, in arrival order; see {@link #attach}. */
    private synchronized void receive(io.vertx.core.buffer.Buffer frame) {
        Circuit target = circuit;
        if (target == null) {
            early.add(frame);
            return;
        }
        switch (Frame.type(frame)) {
            case DATA -> target.onData(this, new ByteArrayBuffer(Frame.payload(frame)));
            case ACK -> acknowledged();
            case EOF -> target.onEof(this);
            case CLOSE -> peerLost();
        }
    }

    private void acknowledged() {
        CompletableFuture<Void> written;
        synchronized (this) {
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
        consumer.unregister();
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

    private void send(io.vertx.core.buffer.Buffer frame) {
        String address;
        synchronized (this) {
            address = peerAddress;
        }
        eventBus.send(address, frame);
    }
}
