package org.nuttssh.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nuttssh.circuit.Listeners;

/**
 * The order in which a drain lets a client go: out of the registry, then, {@link
 * Listeners#UNLISTED_BEFORE_LEAVING} later and only while it has no circuit, off the node. The timings
 * asserted are lower bounds the code guarantees, not speeds.
 */
class PacedDisconnectsTest {

    /** Circuits per client id, as the switchboard counts them. */
    private final Map<String, Integer> circuits = new ConcurrentHashMap<>();

    private final class Client implements DrainedClient {
        final String id;
        final Instant connectedAt;
        volatile long unlistedAt = -1;
        volatile long disconnectedAt = -1;
        /** Circuits it gets the moment it is unlisted: an open that found it by name just before. */
        volatile int circuitsOnUnlist;

        Client(String id, int secondsAgo) {
            this.id = id;
            this.connectedAt = Instant.now().minusSeconds(secondsAgo);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Instant connectedAt() {
            return connectedAt;
        }

        @Override
        public boolean isConnected() {
            return disconnectedAt < 0;
        }

        @Override
        public CompletionStage<Void> unlist() {
            unlistedAt = System.nanoTime();
            if (circuitsOnUnlist > 0) {
                circuits.put(id, circuitsOnUnlist);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void disconnect(String reason) {
            disconnectedAt = System.nanoTime();
        }
    }

    private int run(List<Client> clients, int perSecond) throws InterruptedException {
        return PacedDisconnects.run(clients, id -> circuits.getOrDefault(id, 0), perSecond, "shutting down");
    }

    @Test
    void eachClientLeavesTheRegistryAMomentBeforeItIsLetGo() throws InterruptedException {
        List<Client> clients = List.of(new Client("a", 3), new Client("b", 2), new Client("c", 1));

        assertEquals(3, run(clients, 0));

        for (Client client : clients) {
            assertTrue(client.unlistedAt > 0, client.id + " was never unlisted");
            assertTrue(client.disconnectedAt - client.unlistedAt
                    >= Listeners.UNLISTED_BEFORE_LEAVING.toNanos(), client.id + " went too soon after unlisting");
        }
    }

    @Test
    void aClientWithACircuitIsNeitherUnlistedNorLetGo() throws InterruptedException {
        Client serving = new Client("serving", 2);
        Client idle = new Client("idle", 1);
        circuits.put("serving", 1);

        assertEquals(1, run(List.of(serving, idle), 0));

        assertEquals(-1, serving.unlistedAt);
        assertTrue(serving.isConnected());
        assertFalse(idle.isConnected());
    }

    @Test
    void aClientGivenACircuitAsItLeavesGoesWhenTheCircuitEndsWhileTheDrainRuns() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(new Client("c" + i, 100 - i));
        }
        Client first = clients.get(0);
        first.circuitsOnUnlist = 1;
        // 20 at 10 a second: the drain runs about 2 s; the circuit ends after about 0.5 s of it.
        CompletableFuture<Long> circuitEnded = CompletableFuture.supplyAsync(() -> {
            long at = System.nanoTime();
            circuits.remove(first.id);
            return at;
        }, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));

        assertEquals(20, run(clients, 10));

        assertTrue(circuitEnded.isDone(), "the circuit ended while the drain ran");
        assertFalse(first.isConnected(), "let go once its circuit ended");
        assertTrue(first.disconnectedAt >= circuitEnded.get(), "not while its circuit was open");
    }

    @Test
    void aClientWhoseCircuitOutlastsTheDrainIsLeftForTheRestOfIt() throws InterruptedException {
        Client held = new Client("held", 2);
        held.circuitsOnUnlist = 1;
        Client idle = new Client("idle", 1);

        assertEquals(1, run(List.of(held, idle), 0));

        assertNotEquals(-1, held.unlistedAt);
        assertTrue(held.isConnected());
        assertFalse(idle.isConnected());
    }
}
