package org.nuttssh.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.Initiator;

/** A thread-safe stand-in for an SSH channel end: records what reaches it, and holds writes until told. */
final class RecordingEnd implements CircuitEnd {

    /** The client test circuits are opened for. */
    static final Initiator WHO = new Initiator("test-client-1", "alice", "127.0.0.1:5000", "SHA256:test");

    private record HeldWrite(CompletableFuture<Void> written, int bytes) {
    }

    private final String name;
    private final boolean holdWrites;
    private final StringBuilder received = new StringBuilder();
    private final List<String> events = new ArrayList<>();
    private final List<HeldWrite> held = new ArrayList<>();
    private long released;
    private long completed;
    private Circuit circuit;

    RecordingEnd(String name, boolean holdWrites) {
        this.name = name;
        this.holdWrites = holdWrites;
    }

    @Override
    public synchronized void attach(Circuit circuit) {
        this.circuit = circuit;
    }

    @Override
    public CompletionStage<Void> write(Buffer data) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            received.append(new String(data.array(), data.rpos(), data.available(), StandardCharsets.UTF_8));
            events.add("data");
            if (holdWrites) {
                held.add(new HeldWrite(written, data.available()));
                return written;
            }
        }
        written.complete(null);
        return written;
    }

    /** Lets the oldest held write complete, as a slow reader finally taking the bytes. */
    void completeOneWrite() {
        HeldWrite next;
        synchronized (this) {
            next = held.remove(0);
            completed += next.bytes();
        }
        next.written().complete(null);
    }

    /** Bytes of the writes completed so far. */
    synchronized long completedBytes() {
        return completed;
    }

    synchronized int heldWrites() {
        return held.size();
    }

    @Override
    public synchronized void release(long bytes, boolean moreWaiting) {
        released += bytes;
    }

    @Override
    public synchronized void shutdownOutput() {
        events.add("eof");
    }

    @Override
    public synchronized void close() {
        events.add("close");
    }

    @Override
    public String describe() {
        return name;
    }

    /** What this end's client sends. */
    void send(String text) {
        circuit().onData(this, new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    void sendEof() {
        circuit().onEof(this);
    }

    void closedByClient() {
        circuit().onClosed(this);
    }

    synchronized Circuit circuit() {
        return circuit;
    }

    synchronized String received() {
        return received.toString();
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized long released() {
        return released;
    }
}
