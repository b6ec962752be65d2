package org.nuttssh.circuit;

import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Moves bytes one way through a circuit, from a source end to a sink end, with one write outstanding at a time.
 *
 * <p>Back-pressure is credit based, like SSH windows: the source's bytes are released (its window re-opened) only when
 * the sink has taken them. What waits here while a write is outstanding is therefore bounded by the source's window,
 * however slow the sink is. Waiting bytes are coalesced so the next write takes all of them at once.
 *
 * <p>EOF is passed on only after every byte received before it has been written.
 */
final class Pump {

    private final Circuit circuit;
    private final CircuitEnd source;
    private final CircuitEnd sink;

    // Guarded by this.
    private Buffer waiting;
    private boolean writing;
    private boolean started;
    private boolean eofReceived;
    private boolean eofSent;
    private boolean stopped;
    private long bytes;

    Pump(Circuit circuit, CircuitEnd source, CircuitEnd sink) {
        this.circuit = circuit;
        this.source = source;
        this.sink = sink;
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
        writeNext();
    }

    void onData(Buffer data) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (writing || !started) {
                if (waiting == null) {
                    waiting = data; // ours already; later bytes are appended to it
                } else {
                    waiting.putBuffer(data);
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
        writeNext();
    }

    /** The sink is gone: drop what waits; the source is being closed too. */
    void stop() {
        synchronized (this) {
            stopped = true;
            waiting = null;
        }
    }

    synchronized boolean isDrained() {
        return eofSent || stopped;
    }

    synchronized long bytes() {
        return bytes;
    }

    private void write(Buffer data) {
        int length = data.available();
        sink.write(data).whenComplete((ignored, failure) -> {
            if (failure != null) {
                circuit.onWriteFailed(sink, failure);
                return;
            }
            synchronized (this) {
                bytes += length;
            }
            source.release(length);
            writeNext();
        });
    }

    /** Called with {@code writing} set: starts the next write, or passes EOF on, or goes idle. */
    private void writeNext() {
        Buffer next = null;
        boolean sendEof = false;
        synchronized (this) {
            if (stopped) {
                writing = false;
                return;
            }
            if (waiting != null && waiting.available() > 0) {
                next = waiting;
                waiting = null;
            } else {
                writing = false;
                if (eofReceived && !eofSent) {
                    eofSent = true;
                    sendEof = true;
                }
            }
        }
        if (next != null) {
            write(next);
        } else if (sendEof) {
            sink.shutdownOutput();
            circuit.onDrained(this);
        }
    }
}
