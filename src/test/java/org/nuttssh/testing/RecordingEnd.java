package org.nuttssh.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.EndEvents;
import org.nuttssh.circuit.Initiator;
import org.nuttssh.memory.WindowAccount;
import org.nuttssh.memory.WindowBudget;

/**
 * A stand-in for an SSH channel end: records what reaches it (each write, the events, the credit it is given) and,
 * when asked to, holds each write until the test completes it, as a slow reader would. Thread-safe, so it also serves
 * as an end of a circuit across nodes. More than one write outstanding at a time breaks the circuit's promise and
 * fails the write.
 */
public final class RecordingEnd implements CircuitEnd {

    /** The client test circuits are opened for. */
    public static final Initiator WHO = new Initiator("test-client-1", "alice", "127.0.0.1:5000", "SHA256:test");
    /** Room for every window of every test end at its largest: tests of the budget make their own. */
    private static final WindowBudget WINDOWS = WindowBudget.of(1L << 40);

    private record HeldWrite(CompletableFuture<Void> written, int bytes) {
    }

    private final String name;
    private final boolean holdWrites;
    private final List<String> writes = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> releases = new ArrayList<>();
    private final List<HeldWrite> held = new ArrayList<>();
    private final WindowAccount account = new WindowAccount(WINDOWS);
    private long released;
    private long completed;
    private EndEvents circuit;

    /** @param holdWrites whether writes wait for {@link #completeOneWrite()} instead of completing at once */
    public RecordingEnd(String name, boolean holdWrites) {
        this.name = name;
        this.holdWrites = holdWrites;
    }

    @Override
    public synchronized void attach(EndEvents circuit) {
        this.circuit = circuit;
    }

    @Override
    public CompletionStage<Void> write(Buffer data) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            if (!held.isEmpty()) {
                throw new AssertionError(name + ": a second write while one is outstanding");
            }
            writes.add(new String(data.array(), data.rpos(), data.available(), StandardCharsets.UTF_8));
            events.add("data");
            if (holdWrites) {
                held.add(new HeldWrite(written, data.available()));
                return written;
            }
            completed += data.available();
        }
        written.complete(null);
        return written;
    }

    /** Lets the oldest held write complete, as a slow reader finally taking the bytes. */
    public void completeOneWrite() {
        HeldWrite next;
        synchronized (this) {
            next = held.remove(0);
            completed += next.bytes();
        }
        next.written().complete(null);
    }

    /** Bytes of the writes completed so far. */
    public synchronized long completedBytes() {
        return completed;
    }

    public synchronized int heldWrites() {
        return held.size();
    }

    @Override
    public synchronized void release(long bytes, boolean moreWaiting) {
        released += bytes;
        releases.add(bytes + (moreWaiting ? " more waiting" : ""));
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

    @Override
    public WindowAccount account() {
        return account;
    }

    /** What this end's client sends. */
    public void send(String text) {
        circuit().onData(new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    public void sendEof() {
        circuit().onEof();
    }

    public void closedByClient() {
        circuit().onClosed();
    }

    public synchronized EndEvents circuit() {
        return circuit;
    }

    /** Each write's bytes as text, in order. */
    public synchronized List<String> writes() {
        return List.copyOf(writes);
    }

    /** Everything written, as one text. */
    public synchronized String received() {
        return String.join("", writes);
    }

    /** {@code data}, {@code eof} and {@code close}, in the order they reached this end. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** Credit given back to this end's client, in total. */
    public synchronized long released() {
        return released;
    }

    /** Each release, with {@code " more waiting"} when the circuit said more bytes wait. */
    public synchronized List<String> releases() {
        return List.copyOf(releases);
    }
}
