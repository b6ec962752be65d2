package org.nuttssh.ssh;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.EndEvents;
import org.nuttssh.memory.ReceiveWindow;
import org.nuttssh.memory.WindowAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit end that is an SSH channel on this node. The channel forwards its data, EOF and close here; the circuit
 * writes to it through a {@link ChannelAsyncOutputStream}, which waits for the client's window by itself.
 *
 * <p>Writes are made as an "internal" MINA thread: otherwise a write from another session's thread during this
 * session's key re-exchange would block that thread until the exchange ends, instead of being queued. The queue is
 * still bounded, because the pump has only one write outstanding and releases credit only when it completes.
 *
 * <p>The client's window is the connection's {@link ReceiveWindow}: MINA sets the channel up with the largest window
 * ({@code WindowBudget.MAX_WINDOW}); the part the budget does not grant is consumed before the open is confirmed, so
 * the client starts with the floor and is given more only as its bytes are passed on and the budget allows.
 */
final class ChannelEnd implements CircuitEnd {

    private static final Logger log = LoggerFactory.getLogger(ChannelEnd.class);

    /** How the channel sends EOF; MINA keeps that method to the channel class itself. */
    @FunctionalInterface
    interface EofSender {
        void sendEof() throws IOException;
    }

    private final AbstractChannel channel;
    private final EofSender eofSender;
    private final String description;
    private final WindowAccount account;
    private volatile ChannelAsyncOutputStream out;

    // Guarded by this: events that come before attach() are replayed by it.
    private EndEvents circuit;
    private final List<Buffer> early = new ArrayList<>();
    private boolean eofBeforeAttach;
    private boolean closed;
    private ReceiveWindow window;

    /** @param account the window account of the connection the channel is on */
    ChannelEnd(AbstractChannel channel, EofSender eofSender, String description, WindowAccount account) {
        this.channel = channel;
        this.eofSender = eofSender;
        this.description = description;
        this.account = account;
        channel.addCloseFutureListener(future -> closed());
    }

    /**
     * Sets the window the client may fill before the relay has passed anything on; call once the channel's window
     * is set up and before its size goes to the client (in the open or its confirmation).
     */
    void openWindow() throws IOException {
        LocalWindow local = channel.getLocalWindow();
        ReceiveWindow opened = ReceiveWindow.open(account, local.getMaxSize());
        local.consume(local.getMaxSize() - opened.initial());
        boolean closedAlready;
        synchronized (this) {
            window = opened;
            closedAlready = closed;
        }
        if (closedAlready) {
            opened.close();
        }
    }

    /** The channel is open both ways (the client's window is known): writing may start. */
    void opened() {
        out = new ChannelAsyncOutputStream(channel, SshConstants.SSH_MSG_CHANNEL_DATA);
    }

    /**
     * Bytes from this end's client; MINA reuses {@code data}, so they are copied. They may arrive before the circuit
     * is attached (the open completes on one thread, the circuit is built on another); they are then held, which
     * the window bounds, since none of them is released before the circuit takes them.
     */
    synchronized void data(byte[] data, int offset, long length) {
        Buffer copy = new ByteArrayBuffer(Arrays.copyOfRange(data, offset, offset + (int) length));
        if (circuit == null) {
            early.add(copy);
        } else {
            circuit.onData(copy);
        }
    }

    synchronized void eof() {
        if (circuit == null) {
            eofBeforeAttach = true;
        } else {
            circuit.onEof();
        }
    }

    /** The client granted more window: a write waiting for it may go on. */
    void windowExpanded() throws IOException {
        ChannelAsyncOutputStream stream = out;
        if (stream != null) {
            stream.onWindowExpanded();
        }
    }

    private void closed() {
        ChannelAsyncOutputStream stream = out;
        if (stream != null) {
            stream.close(true); // fails a write still waiting for window, so the pump is not left hanging
        }
        EndEvents target;
        ReceiveWindow opened;
        synchronized (this) {
            closed = true;
            target = circuit;
            opened = window;
        }
        if (opened != null) {
            opened.close();
        }
        if (target != null) {
            target.onClosed();
        }
    }

    /**
     * Replays what came before, then lets events through. Data and EOF are delivered under this end's lock, so a
     * replay cannot be overtaken by a newer event from the channel's thread.
     */
    @Override
    public void attach(EndEvents circuit) {
        boolean closedAlready;
        synchronized (this) {
            early.forEach(data -> circuit.onData(data));
            early.clear();
            if (eofBeforeAttach) {
                circuit.onEof();
            }
            closedAlready = closed;
            this.circuit = circuit;
        }
        if (closedAlready) {
            circuit.onClosed();
        }
    }

    @Override
    public CompletionStage<Void> write(Buffer data) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            ThreadUtils.runAsInternal(data, out::writeBuffer).addListener(future -> {
                Throwable failure = future.getException();
                if (failure == null) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(failure);
                }
            });
        } catch (IOException | RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    /**
     * Gives back what the budget allows. MINA's window sends an adjustment only once enough was released, so every
     * release can go to it.
     */
    @Override
    public void release(long bytes, boolean moreWaiting) {
        ReceiveWindow opened;
        synchronized (this) {
            opened = window;
        }
        try {
            long credit = opened.passedOn(bytes);
            if (credit > 0) {
                channel.getLocalWindow().release(credit);
            }
        } catch (IOException | RuntimeException e) {
            // The channel is closing; its close event reaches the circuit on its own.
            log.debug("{}: window release failed: {}", description, e.toString());
        }
    }

    @Override
    public void shutdownOutput() {
        try {
            eofSender.sendEof();
        } catch (IOException e) {
            log.debug("{}: EOF failed: {}", description, e.toString());
        }
    }

    @Override
    public void close() {
        channel.close(false);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public WindowAccount account() {
        return account;
    }
}
