package org.nuttssh.ssh.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;

import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2CompletionHandler;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.util.Readable;

/**
 * A connection whose socket read buffer follows its traffic: {@link #IDLE_BUFFER} bytes while it only exchanges
 * small packets, the full {@code busy} size from the read after one that filled its buffer.
 *
 * <p>MINA reads every connection into one buffer of a fixed size, held for the connection's life, as a read is
 * always pending. Most of a fleet's connections are idle listening devices whose only packets are keepalives of
 * under a hundred bytes; at 8 KiB each, the read buffers were a third of an idle device's heap (docs/performance.md).
 * The bytes read are consumed before the next read starts (MINA's decoder copies them into its packet buffer), so
 * the buffer may be swapped between two reads.
 */
final class AdaptiveReadSession extends Nio2Session {

    /**
     * The read buffer of a connection whose last read was this small. A keepalive request or reply is 40-120 bytes
     * with any of the relay's ciphers and MACs; a read larger than this keeps the busy buffer.
     */
    static final int IDLE_BUFFER = 256;

    private final int busy;
    /**
     * Bytes the last read returned, until the next read's buffer is chosen; -1 when there is no news (a suspended
     * read resumed). Written and read in turn by the threads that complete a read and start the next.
     */
    private int lastRead = -1;
    /** The size of the buffer being read into, for whoever asks from another thread. */
    private volatile int readBuffer;

    /** @param busy the buffer of a connection whose reads fill their buffer: MINA's read buffer size */
    AdaptiveReadSession(Nio2Service service, PropertyResolver properties, IoHandler handler,
                        AsynchronousSocketChannel socket, SocketAddress address, int busy) throws IOException {
        super(service, properties, handler, socket, address);
        this.busy = busy;
    }

    /** The first read, whose packets (identification, key exchange) are small. */
    @Override
    public void startReading() {
        startReading(IDLE_BUFFER);
    }

    @Override
    protected void handleReadCycleCompletion(ByteBuffer buffer, Readable reader,
                                             Nio2CompletionHandler<Integer, Object> completion, Integer result,
                                             Object attachment) {
        lastRead = result;
        super.handleReadCycleCompletion(buffer, reader, completion, result, attachment); // reads on: doReadCycle
    }

    @Override
    protected void doReadCycle(ByteBuffer buffer, Nio2CompletionHandler<Integer, Object> completion) {
        int size = nextSize(buffer.capacity(), lastRead);
        lastRead = -1;
        readBuffer = size;
        if (size == buffer.capacity()) {
            super.doReadCycle(buffer, completion);
            return;
        }
        ByteBuffer next = ByteBuffer.allocate(size);
        super.doReadCycle(next, createReadCycleCompletionHandler(next, Readable.readable(next)));
    }

    /** The size of the buffer a read is pending on. */
    int readBuffer() {
        return readBuffer;
    }

    /** The buffer for the next read, after a read of {@code read} bytes into one of {@code capacity}. */
    private int nextSize(int capacity, int read) {
        if (read < 0) {
            return capacity;
        }
        if (read >= capacity) {
            return Math.max(capacity, busy);
        }
        return read <= IDLE_BUFFER ? IDLE_BUFFER : capacity;
    }
}
