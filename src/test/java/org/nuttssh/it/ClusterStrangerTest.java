package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.node.VertxClose;
import org.nuttssh.registry.NodeId;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The first scene of issue 31 on two secure nodes of this JVM: a stranger that knows only the cluster's name joins
 * as a Vert.x member (no certificate) and consumes node B's circuit-open and frame addresses. The event bus used to
 * send it about half of what was meant for B, and drop it when TLS to the stranger failed; now it routes B's
 * addresses to the member that proved B's id only, so every download from a listener on B through A arrives whole.
 */
class ClusterStrangerTest {

    private static final int DOWNLOADS = 10;
    /** Far past the credit a circuit has before its first ACK (256 KiB): enough that lost ACKs stall it. */
    private static final int DOWNLOAD_BYTES = 20 << 20;
    /** A download takes a second or two; a stalled one is given up on after this. */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-stranger");
    private Vertx stranger;

    @AfterEach
    void stopStranger() {
        if (stranger != null) {
            VertxClose.await(stranger);
        }
    }

    @Test
    void aStrangerOnNodeBsAddressesGetsNothingAndEveryDownloadArrives() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("db", TcpTarget.Mode.ECHO);
        cluster.start(List.of("access=\"initiate\" {alice}"), List.of("access=\"listen\" {gw}"));
        b.listener("gw", "gw-db", "gw-db", "22:localhost:" + echo.port());
        RelayFixture.await("gw-db known on A", () -> a.newestRecord("gw-db").isPresent());
        AtomicLong taken = joinStrangerOnAddressesOf(b.server().nodeId());

        Path input = a.dir().resolve("download.txt");
        Files.writeString(input, randomText(DOWNLOAD_BYTES), StandardCharsets.US_ASCII);
        String expected = "db\n" + Files.readString(input, StandardCharsets.US_ASCII);
        List<String> failures = new ArrayList<>();
        int answered = 0;
        for (int i = 0; i < DOWNLOADS; i++) {
            try (SshProcess download = SshProcess.start(a.dir(), a.ssh("-W", "gw-db:22", "relay-alice"), input)) {
                String outcome;
                try {
                    int exit = download.waitFor(DOWNLOAD_TIMEOUT);
                    outcome = exit == 0 ? "" : "exit " + exit + ", " + download.stderr().strip();
                } catch (AssertionError stalled) {
                    outcome = "stalled for " + DOWNLOAD_TIMEOUT.toSeconds() + " s";
                }
                String got = download.stdout();
                if (got.startsWith("db\n")) {
                    answered++;
                }
                if (!outcome.isEmpty() || !got.equals(expected)) {
                    failures.add("download " + i + ": " + got.length() + " of " + expected.length()
                            + " bytes back, " + outcome);
                }
            }
        }
        assertEquals(DOWNLOADS, answered, "circuit opens answered; failures: " + failures);
        assertEquals(List.of(), failures, DOWNLOADS - failures.size() + " of " + DOWNLOADS + " downloads intact");
        assertEquals(0, taken.get(), "messages the stranger received");
    }

    /**
     * A clustered Vert.x with nothing but the cluster's name and member list, consuming {@code node}'s open and
     * frame addresses; counts what reaches it.
     */
    private AtomicLong joinStrangerOnAddressesOf(NodeId node) throws Exception {
        HazelcastClusterManager manager = new HazelcastClusterManager(
                HazelcastFiles.stranger(cluster.hazelcastFile(), cluster.name()));
        stranger = Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
                .withClusterManager(manager).buildClustered()
                .toCompletionStage().toCompletableFuture().get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        AtomicLong taken = new AtomicLong();
        for (String address : List.of("nuttssh.node." + node + ".open", "nuttssh.node." + node + ".frames")) {
            stranger.eventBus().consumer(address, message -> taken.incrementAndGet()).completion()
                    .toCompletionStage().toCompletableFuture().get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        RelayFixture.await("the stranger in the cluster", () -> manager.getNodes().size() == 3);
        return taken;
    }

    private static String randomText(int length) {
        Random random = new Random(31);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(i % 100 == 99 ? '\n' : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
