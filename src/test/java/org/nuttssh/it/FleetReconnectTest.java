package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.Limit;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.metrics.RelayStatistics;

/**
 * The fleet a relay exists for, reconnecting together (as after a restart of its node): 2000 listening clients from
 * 200 source addresses, with every limit at its default, must all register without one refusal. The clients are
 * MINA's, in this JVM: 2000 OpenSSH processes do not fit a two-core machine. Each binds its source address in
 * 127.0.1.0-127.0.2.99 (Linux routes all of 127/8 to loopback), so per-source limits see 200 sources, ten clients
 * each, and a source's ten connect one right after the other. All start at once, with up to {@value #IN_FLIGHT}
 * handshakes under way: a fleet comes back over some seconds, and this machine also runs the clients' side of every
 * handshake (all 2000 at once on a loaded two-core machine finish none of them within the login timeout).
 */
@Tag("slow")
class FleetReconnectTest {

    private static final int SOURCES = 200;
    private static final int CLIENTS_PER_SOURCE = 10;
    private static final int CLIENTS = SOURCES * CLIENTS_PER_SOURCE;
    /** Six times OpenSSH's MaxStartups start, the ten clients of several sources at once. */
    static final int IN_FLIGHT = 64;
    /** Generous for a loaded two-core machine; on an idle one the fleet registers in about a minute. */
    private static final Duration REGISTERED_WITHIN = Duration.ofMinutes(5);

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void twoThousandClientsFromTwoHundredAddressesAllRegister() throws Exception {
        // Every limit at its default, per-source penalties included (the fixture turns them off otherwise).
        relay.configure(c -> c.perSourcePenalties(PerSourcePenalties.parse("", List.of())));
        relay.start("access=\"listen\" {fleet}");
        KeyPair key = new FileKeyPairProvider(relay.key("fleet")).loadKeys(null).iterator().next();
        SshClient client = SshClient.setUpDefaultClient();
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        client.setServerKeyVerifier((session, address, serverKey) -> true);
        client.start();
        relay.onClose(client::stop);
        RelayStatistics stats = relay.server().statistics();
        PeakWatcher peak = new PeakWatcher(stats);
        relay.onClose(peak);
        Map<String, Throwable> failures = new ConcurrentHashMap<>();

        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String name = String.format("gw-%04d", i);
            InetSocketAddress from = new InetSocketAddress(sourceAddress(i / CLIENTS_PER_SOURCE), 0);
            inFlight.acquire();
            registered.add(register(client, name, from, key).whenComplete((ok, failure) -> {
                inFlight.release();
                if (failure != null) {
                    failures.put(name, failure);
                }
            }));
        }
        CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null)
                .get(REGISTERED_WITHIN.toSeconds(), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        peak.close();
        System.out.printf("fleet: %d clients from %d addresses registered in %.1f s; at most %d connections were"
                + " unauthenticated at once%n", CLIENTS, SOURCES, seconds, peak.max());

        assertTrue(failures.isEmpty(), () -> failures.size() + " clients failed, e.g. " + failures.entrySet()
                .iterator().next());
        RelayFixture.await("every client in the registry", () -> relay.server().registry().size() == CLIENTS);
        for (Limit limit : Limit.values()) {
            assertEquals(0, stats.limitRefusals().get(limit), limit.setting() + " refused part of the fleet");
        }
        assertTrue(relay.newestRecord("gw-1999").isPresent());
    }

    /** The source address of the n-th of the 200 sources: 127.0.1.0-99, then 127.0.2.0-99. */
    private static String sourceAddress(int n) {
        return "127.0." + (1 + n / 100) + "." + n % 100;
    }

    /** What {@code ssh -N -R 22:localhost:22 NAME@relay} does, without a thread waiting at any step. */
    private CompletableFuture<Void> register(SshClient client, String name, InetSocketAddress from, KeyPair key)
            throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.connect(name, new InetSocketAddress("127.0.0.1", relay.port()), from).addListener(connected -> {
            if (connected.getException() != null) {
                done.completeExceptionally(connected.getException());
                return;
            }
            ClientSession session = connected.getSession();
            session.addPublicKeyIdentity(key);
            try {
                session.auth().addListener(auth -> {
                    if (!auth.isSuccess()) {
                        done.completeExceptionally(new IllegalStateException("not authenticated", auth.getException()));
                        return;
                    }
                    forward(session, done);
                });
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static void forward(ClientSession session, CompletableFuture<Void> done) {
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 32);
            request.putString("tcpip-forward");
            request.putBoolean(true);
            request.putString("localhost");
            request.putUInt(22);
            session.request(request, "tcpip-forward", (command, reply) -> {
                if (command == SshConstants.SSH_MSG_REQUEST_SUCCESS) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new IllegalStateException("remote port forwarding failed"));
                }
            });
        } catch (Exception e) {
            done.completeExceptionally(e);
        }
    }

    /** The most connections the relay had unauthenticated at once, sampled every few milliseconds. */
    private static final class PeakWatcher implements AutoCloseable {
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        PeakWatcher(RelayStatistics stats) {
            thread = new Thread(() -> {
                while (running.get()) {
                    max.accumulateAndGet(stats.connectionsUnauthenticated(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fleet-peak-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        int max() {
            return max.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
