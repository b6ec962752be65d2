package org.nuttssh.ssh.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.common.io.AbstractIoServiceFactoryFactory;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Acceptor;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.SshdThreadFactory;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's NIO2 transport on a channel group whose threads both wait for socket events and run MINA's handlers for
 * them.
 *
 * <p>MINA builds its group around an executor ({@code AsynchronousChannelGroup.withThreadPool}); the JDK then waits
 * for socket events on an internal thread of its own and hands each one to the executor, a wake-up of another thread
 * per read or write. Opening a circuit is a chain of small packets over two connections, each paying that wake-up.
 * A group made with {@code withFixedThreadPool} runs the handler on the thread that saw the event: 6-9 % more
 * circuits per second and 10-12 % less CPU per circuit, for 4-6 % more CPU per bulk gigabyte (docs/performance.md).
 *
 * <p>Its connections are {@link AdaptiveReadSession}s, whose read buffer is small while they are idle.
 *
 * <p>A write that a thread of another pool starts on one of the group's sockets is not tried there: the JDK waits for
 * the socket to be writable, wakes an I/O thread to write, and arms the write's timeout (MINA's 30 s) on a timer
 * thread of its own, three threads for one small packet. Work that writes on its own initiative, like the
 * keepalive's probes, therefore runs on the I/O threads ({@link #ioThreads}), where a write goes out at once.
 *
 * <p>MINA's constructor still makes its own group, which stays idle (one JDK thread parked in epoll) and is shut
 * down with this factory.
 */
public final class FixedPoolIoServiceFactory extends Nio2ServiceFactory {

    /** As long as MINA waits for its own group. */
    private static final int CLOSE_WAIT_SECONDS = 5;

    private final AsynchronousChannelGroup group;
    /** The group's threads: the JDK's groups are executors too; should one not be, the caller's thread. */
    private final Executor ioThreads;
    private final CloseableExecutorService resuming;
    /** Set on this factory's I/O threads. */
    private final ThreadLocal<Boolean> onIoThread = new ThreadLocal<>();

    /** @param resumeExecutor where suspended reads are resumed; null for a pool of {@code threads} of our own */
    private FixedPoolIoServiceFactory(FactoryManager manager, int threads, CloseableExecutorService resumeExecutor) {
        super(manager, null, null);
        try {
            ThreadFactory named = new SshdThreadFactory(manager + "-io");
            group = AsynchronousChannelGroup.withFixedThreadPool(threads, task -> named.newThread(() -> {
                onIoThread.set(Boolean.TRUE);
                task.run();
            }));
        } catch (IOException e) {
            throw new RuntimeSshException("cannot start the I/O threads: " + e.getMessage(), e);
        }
        ioThreads = group instanceof Executor executor ? executor : Runnable::run;
        // Reads suspended for back-pressure are resumed from here, as in MINA's own factory.
        resuming = ThreadUtils.newFixedThreadPoolIf(resumeExecutor, manager + "-io-resume", threads);
    }

    /**
     * For {@code SshServer.setIoServiceFactoryFactory}: {@code threads} I/O threads. An executor factory set on it
     * supplies the executor that resumes suspended reads, as with MINA's own; the I/O threads are the group's.
     */
    public static IoServiceFactoryFactory withThreads(int threads) {
        return new AbstractIoServiceFactoryFactory(null) {
            @Override
            public IoServiceFactory create(FactoryManager manager) {
                return new FixedPoolIoServiceFactory(manager, threads, newExecutor());
            }
        };
    }

    /**
     * Where to run a task that writes to {@code session}: one of its server's I/O threads when the server has this
     * factory's, otherwise the caller's thread. Rejects the task once the threads are shut down.
     */
    public static Executor ioThreads(Session session) {
        return session.getFactoryManager().getIoServiceFactory() instanceof FixedPoolIoServiceFactory factory
                ? factory.ioThreads : Runnable::run;
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
        return autowireCreatedService(new Nio2Connector(this, getFactoryManager(), handler, group, resuming));
    }

    /** Each connection with a read buffer that follows its traffic, up to MINA's read buffer size. */
    @Override
    public Nio2Session createSession(Nio2Service service, IoHandler handler, AsynchronousSocketChannel socket,
                                     SocketAddress address) throws IOException {
        return new AdaptiveReadSession(service, getFactoryManager(), handler, socket, address,
                CoreModuleProperties.NIO2_READ_BUFFER_SIZE.getRequired(getFactoryManager()));
    }

    @Override
    public IoAcceptor createAcceptor(IoHandler handler) {
        return autowireCreatedService(new Nio2Acceptor(this, getFactoryManager(), handler, group, resuming));
    }

    @Override
    protected void doCloseImmediately() {
        try {
            resuming.shutdownNow();
            group.shutdownNow();
            // MINA may close the factory from the last closing session's handler, on one of these threads, which
            // cannot wait for itself to end.
            if (onIoThread.get() == null
                    && !group.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.debug("I/O threads still running {} s after shutdown", CLOSE_WAIT_SECONDS);
            }
        } catch (IOException e) {
            log.debug("closing the I/O threads: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            super.doCloseImmediately();
        }
    }
}
