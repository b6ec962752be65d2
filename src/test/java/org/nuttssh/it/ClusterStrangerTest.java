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
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.node.VertxClose;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastNodeInfo;

/**
 * The first scene of issue 31 on two secure nodes of this JVM: a stranger that knows only the cluster's name joins
 * as a Vert.x member (no certificate) and consumes node B's circuit-open and frame addresses. The event bus used to
 * send it about half of what was meant for B, and drop it when TLS to the stranger failed; now it routes B's
 * addresses to the member that proved B's id only, so every download from a listener on B through A arrives whole.
 * A stranger that writes its own address over the nodes' in Vert.x's shared map moves nothing either: each node
 * signs where its event bus listens into its proof.
 */
class ClusterStrangerTest {

    private static final int DOWNLOADS = 10;
    /** Far past the credit a circuit has before its first ACK (256 KiB): enough that lost ACKs stall it. */
    private static final int DOWNLOAD_BYTES = 20 << 20;
    /** A download takes a second or two; a stalled one is given up on after this. */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(30);

    private static final List<String> A_KEYS = List.of("access=\"initiate\" {alice}");
    private static final List<String> B_KEYS = List.of("access=\"listen\" {gw}");
    /** Where vertx-hazelcast keeps each Vert.x node's event-bus address. */
    private static final String NODE_INFO_MAP = "__vertx.nodeInfo";

    @RegisterExtension
    final TwoNodeCluster cluster = new TwoNodeCluster("nuttssh-stranger");

    private HazelcastClusterManager strangerManager;
    private Vertx stranger;

    @AfterEach
    void stopStranger() {
        if (stranger != null) {
            VertxClose.await(stranger);
        }
    }

    @Test
    void aStrangerOnNodeBsAddressesGetsNothingAndEveryDownloadArrives() throws Exception {
        TcpTarget echo = cluster.b().target("db", TcpTarget.Mode.ECHO);
        cluster.start(A_KEYS, B_KEYS);
        AtomicLong taken = new AtomicLong();
        Vertx stranger = joinStranger();
        for (String address : List.of("nuttssh.node." + cluster.b().server().nodeId() + ".open",
                "nuttssh.node." + cluster.b().server().nodeId() + ".frames")) {
            await(stranger.eventBus().consumer(address, message -> taken.incrementAndGet()).completion());
        }

        everyDownloadArrives(echo);
        assertEquals(0, taken.get(), "messages the stranger received");
    }

    /**
     * The stranger writes its own event-bus address over every node's in vertx-hazelcast's shared map, as soon as a
     * node writes it, before the nodes first connect to each other: they connect where the proofs say.
     */
    @Test
    void aStrangerThatMovesNodeAddressesMovesNoFrame() throws Exception {
        TcpTarget echo = cluster.b().target("db", TcpTarget.Mode.ECHO);
        cluster.startA(A_KEYS);
        joinStranger();
        IMap<String, HazelcastNodeInfo> addresses = strangerManager.getHazelcastInstance().getMap(NODE_INFO_MAP);
        HazelcastNodeInfo forged = new HazelcastNodeInfo(strangerManager.getNodeInfo());
        Consumer<String> overwrite = key -> {
            if (!key.equals(strangerManager.getNodeId())) {
                addresses.setAsync(key, forged);
            }
        };
        addresses.addEntryListener((EntryAddedListener<String, HazelcastNodeInfo>) event ->
                overwrite.accept(event.getKey()), false);
        addresses.keySet().forEach(overwrite);
        cluster.startB(B_KEYS);
        RelayFixture.await("every node's address overwritten", () -> addresses.values().stream()
                .allMatch(value -> value.unwrap().equals(forged.unwrap())));

        everyDownloadArrives(echo);
    }

    /** Ten downloads from {@code echo}, behind a listening client on B, through A: each opens and arrives whole. */
    private void everyDownloadArrives(TcpTarget echo) throws Exception {
        RelayFixture a = cluster.a();
        cluster.b().listener("gw", "gw-db", "gw-db", "22:localhost:" + echo.port());
        RelayFixture.await("gw-db known on A", () -> a.newestRecord("gw-db").isPresent());
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
    }

    /** A clustered Vert.x with nothing but the cluster's name and member list: no certificate, no TLS. */
    private Vertx joinStranger() throws Exception {
        strangerManager = new HazelcastClusterManager(HazelcastFiles.stranger(cluster.hazelcastFile(),
                cluster.name()));
        stranger = await(Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
                .withClusterManager(strangerManager).buildClustered());
        RelayFixture.await("the stranger in the cluster", () -> strangerManager.getNodes().size() > 1);
        return stranger;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(RelayFixture.TIMEOUT.toSeconds(),
                TimeUnit.SECONDS);
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
