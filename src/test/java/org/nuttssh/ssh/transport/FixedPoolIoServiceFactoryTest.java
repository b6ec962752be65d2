package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nuttssh.testing.Await;

/** MINA's server on the relay's own I/O threads: they handle its connections and end with it. */
class FixedPoolIoServiceFactoryTest {

    private static final String IO_THREAD = "-io-thread-";

    private final SshServer sshd = SshServer.setUpDefaultServer();
    private final CompletableFuture<String> sessionThread = new CompletableFuture<>();
    private final CompletableFuture<Session> session = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        sshd.setIoServiceFactoryFactory(FixedPoolIoServiceFactory.withThreads(2));
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessionThread.complete(Thread.currentThread().getName());
                FixedPoolIoServiceFactoryTest.this.session.complete(session);
            }
        });
        sshd.start();
    }

    @AfterEach
    void stop() throws Exception {
        sshd.stop(true);
    }

    @Test
    void aConnectionIsHandledOnTheGroupsOwnThreads() throws Exception {
        try (Socket ignored = new Socket("127.0.0.1", sshd.getPort())) {
            String thread = sessionThread.get(10, TimeUnit.SECONDS);
            assertTrue(thread.contains(IO_THREAD), "accepted on " + thread);
        }
    }

    @Test
    void workForASessionRunsOnItsServersIoThreads() throws Exception {
        try (Socket ignored = new Socket("127.0.0.1", sshd.getPort())) {
            CompletableFuture<String> taskThread = new CompletableFuture<>();
            FixedPoolIoServiceFactory.ioThreads(session.get(10, TimeUnit.SECONDS))
                    .execute(() -> taskThread.complete(Thread.currentThread().getName()));
            String thread = taskThread.get(10, TimeUnit.SECONDS);
            assertTrue(thread.contains(IO_THREAD), "ran on " + thread);
        }
    }

    @Test
    void stoppingTheServerEndsItsIoThreads() throws Exception {
        String prefix;
        try (Socket ignored = new Socket("127.0.0.1", sshd.getPort())) {
            String thread = sessionThread.get(10, TimeUnit.SECONDS);
            prefix = thread.substring(0, thread.indexOf(IO_THREAD) + IO_THREAD.length());
        }
        assertTrue(ioThreadsAlive(prefix), "running while the server is");
        sshd.stop(true);
        Await.until("the I/O threads to end after stop", () -> !ioThreadsAlive(prefix));
    }

    @Test
    void stoppingFromAnIoThreadDoesNotWaitForThatThreadToEnd() throws Exception {
        CompletableFuture<Long> stopMillis = new CompletableFuture<>();
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                // MINA may close the factory from a handler on one of its threads, as when the last session closes.
                long started = System.nanoTime();
                try {
                    sshd.stop(true);
                    stopMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                } catch (Exception e) {
                    stopMillis.completeExceptionally(e);
                }
            }
        });
        try (Socket ignored = new Socket("127.0.0.1", sshd.getPort())) {
            long millis = stopMillis.get(30, TimeUnit.SECONDS);
            // The bug this guards against waited MINA's 5 s for the calling thread; anything near that is it.
            assertTrue(millis < 4000, "stopping took " + millis + " ms");
        }
    }

    private static boolean ioThreadsAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }
}
