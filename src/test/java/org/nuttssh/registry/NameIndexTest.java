package org.nuttssh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nuttssh.testing.Records;

class NameIndexTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ListenerRecord record(String id) {
        return Records.listener(id, new NodeId("node-a"), "gw").build();
    }

    /**
     * The thread that registers the returning client is a MINA I/O thread or a Hazelcast event thread: the waiting
     * open must go on elsewhere, not in the middle of that thread's registration.
     */
    @Test
    void aWaitingOpenGoesOnInThePoolNotOnTheRegisteringThread() throws Exception {
        NameIndex index = new NameIndex();
        index.put(record("a"));
        index.remove("a");
        CompletableFuture<Thread> resumedOn = index.resolveReturning("gw", 0, WAIT).toCompletableFuture()
                .thenApply(found -> {
                    assertEquals(Optional.of("b"), found.map(ListenerRecord::id));
                    return Thread.currentThread();
                });

        Thread registering = new Thread(() -> index.put(record("b")), "registering");
        registering.start();
        registering.join();

        Thread thread = resumedOn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(thread instanceof ForkJoinWorkerThread worker && worker.getPool() == ForkJoinPool.commonPool(),
                "resumed on " + thread + ", not in the common pool");
    }

    @Test
    void aWaitThatEndsEmptyGoesOnInThePoolToo() throws Exception {
        NameIndex index = new NameIndex();
        index.put(record("a"));
        index.remove("a");
        CompletableFuture<Thread> resumedOn = index.resolveReturning("gw", 0, Duration.ofMillis(1))
                .toCompletableFuture().thenApply(found -> {
                    assertEquals(Optional.empty(), found);
                    return Thread.currentThread();
                });

        Thread thread = resumedOn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(thread instanceof ForkJoinWorkerThread worker && worker.getPool() == ForkJoinPool.commonPool(),
                "resumed on " + thread + ", not in the common pool");
    }
}
