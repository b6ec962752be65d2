package org.nuttssh.circuit;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Moves bytes one way through a circuit, from a source end to a sink end, with one write outstanding at a time.
 *
 * <p>Back-pressure is credit based, like SSH windows: the source's bytes are released (its window re-opened) only when
 * the sink has taken them. What waits here while a write is outstanding is therefore bounded by the source's window,
 * however slow the sink is. Small waiting pieces are merged up to {@link #MERGE_LIMIT}, so a burst of tiny packets
 * becomes one write; larger pieces are written as they came, which avoids copying bulk data again (and allocating
 * window-sized arrays that the garbage collector treats as humongous).
 *
 * <p>EOF is passed on only after every byte received before it has been written.
 */
final class Pump {

    /** Pieces merge while the result stays within one SSH packet's worth of data. */
    static final int MERGE_LIMIT = 32 * 1024;

    private final Runnable onDrained;
    private final Consumer<Throwable> onWriteFailed;
    private final CircuitEnd source;
    private final CircuitEnd sink;

    // Guarded by this.
    private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
    private boolean writing;
    private boolean started;
    private boolean eofReceived;
    private boolean eofSent;
    private boolean stopped;
    private long bytes;

    /**
     * @param onDrained     called once EOF has been passed on, everything before it written
     * @param onWriteFailed called when a write to the sink fails
     */
    Pump(CircuitEnd source, CircuitEnd sink, Runnable onDrained, Consumer<Throwable> onWriteFailed) {
        this.source = source;
        this.sink = sink;
        this.onDrained = onDrained;
        this.onWriteFailed = onWriteFailed;
    }

    /** The sink may not be written before it is ready (e.g. its channel open is confirmed); until then bytes wait. */
    void start() {
        synchronized (this) {
            started = true;
            if (writing) {
                return;
            }
            writing = true;
        }
        write(takeNext());
    }

    void onData(Buffer data) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (writing || !started) {
                Buffer last = waiting.peekLast();
                if (last != null && last.available() + data.available() <= MERGE_LIMIT) {
                    last.putBuffer(data); // pieces are ours (the ends hand over copies), so appending is safe
                } else {
                    waiting.add(data);
                }
                return;
            }
            writing = true;
        }
        write(data);
    }

    void onEof() {
        synchronized (this) {
            eofReceived = true;
            if (writing || !started) {
                return;
            }
            writing = true;
        }
        write(takeNext());
    }

    /** The sink is gone: drop what waits; the source is being closed too. */
    void stop() {
        synchronized (this) {
            stopped = true;
            waiting.clear();
        }
    }

    synchronized boolean isDrained() {
        return eofSent || stopped;
    }

    synchronized long bytes() {
        return bytes;
    }

    /**
     * Writes {@code data}, then whatever waits. A sink may complete a write at once (a remote end with room in
     * flight); that case loops here instead of recursing, so a busy circuit cannot grow the stack.
     */
    private void write(Buffer data) {
        for (Buffer next = data; next != null; next = takeNext()) {
            int length = next.available();
            CompletableFuture<Void> written = sink.write(next).toCompletableFuture();
            if (!written.isDone()) {
                written.whenComplete((ignored, failure) -> {
                    if (written(length, failure)) {
                        write(takeNext());
                    }
                });
                return;
            }
            if (!written(length, written.handle((ignored, failure) -> failure).join())) {
                return;
            }
        }
    }

    /** Accounts for a finished write and gives its credit back; false if it failed (the circuit is closing). */
    private boolean written(int length, Throwable failure) {
        if (failure != null) {
            onWriteFailed.accept(failure);
            return false;
        }
        boolean moreWaiting;
        synchronized (this) {
            bytes += length;
            moreWaiting = !waiting.isEmpty(); // the write loop takes them next, so their release will come
        }
        source.release(length, moreWaiting);
        return true;
    }

    /** Called with {@code writing} set: the next bytes to write, or null after passing EOF on or going idle. */
    private Buffer takeNext() {
        Buffer next = null;
        boolean sendEof = false;
        synchronized (this) {
            if (stopped) {
                writing = false;
                return null;
            }
            next = waiting.poll();
            if (next == null) {
                writing = false;
                if (eofReceived && !eofSent) {
                    eofSent = true;
                    sendEof = true;
                }
            }
        }
        if (sendEof) {
            sink.shutdownOutput();
            onDrained.run();
        }
        return next;
    }
}
