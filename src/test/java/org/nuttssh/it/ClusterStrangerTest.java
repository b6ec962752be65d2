package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.node.VertxClose;
import org.nuttssh.registry.NodeId;

import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import com.hazelcast.map.listener.EntryAddedListener;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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
    /** Where vertx-hazelcast keeps which Vert.x nodes consume each address. */
    private static final String SUBS_MAP = "__vertx.subs";
    private static final int FORGED_FRAMES = 100;
    /** Far longer than a node takes to answer a request on loopback. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(3);

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

    /** The stranger also deletes B's own registrations of its addresses from Vert.x's shared map first. */
    @Test
    void aStrangerOnNodeBsAddressesGetsNothingAndEveryDownloadArrives() throws Exception {
        TcpTarget echo = cluster.b().target("db", TcpTarget.Mode.ECHO);
        cluster.start(A_KEYS, B_KEYS);
        AtomicLong taken = new AtomicLong();
        Vertx stranger = joinStranger();
        MultiMap<String, Object> registrations = strangerManager.getHazelcastInstance().getMultiMap(SUBS_MAP);
        for (String address : List.of("nuttssh.node." + cluster.b().server().nodeId() + ".open",
                "nuttssh.node." + cluster.b().server().nodeId() + ".frames")) {
            registrations.remove(address);
            await(stranger.eventBus().consumer(address, message -> taken.incrementAndGet()).completion());
        }

        everyDownloadArrives(echo, DOWNLOADS);
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

        everyDownloadArrives(echo, DOWNLOADS);
    }

    /**
     * A member with a real node certificate from the cluster's CA, which has proven no node: it consumes both nodes'
     * frame addresses while a download runs, and receives nothing. Then it sends frames into circuits, a circuit
     * open in A's name and operator requests (unsigned, and signed with garbage in A's name): each node refuses and
     * counts what it sent, kicks nobody, and the next download arrives whole.
     */
    @Test
    void aHolderOfOneNodeCertificateCannotReachIntoOthersCircuits() throws Exception {
        RelayFixture a = cluster.a();
        RelayFixture b = cluster.b();
        TcpTarget echo = b.target("db", TcpTarget.Mode.ECHO);
        cluster.start(A_KEYS, B_KEYS);
        NodeId nodeA = a.server().nodeId();
        NodeId nodeB = b.server().nodeId();
        ClusterConfig.ClusterTls tls = cluster.certificate("node-c").tls();
        Vertx holder = joinStranger(new EventBusOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                        .setKeyPath(tls.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
                .setClientAuth(ClientAuth.REQUIRED));
        holder.eventBus().registerCodec(new RawFrames());
        AtomicLong taken = new AtomicLong();
        List<MessageConsumer<Object>> consumers = new ArrayList<>();
        for (NodeId node : List.of(nodeA, nodeB)) {
            consumers.add(holder.eventBus().consumer("nuttssh.node." + node + ".frames", m -> taken.incrementAndGet()));
            await(consumers.get(consumers.size() - 1).completion());
        }

        everyDownloadArrives(echo, 1);
        assertEquals(0, taken.get(), "frames the holder received");
        // Its own consumers would take half of what it sends next: its event bus routes as vertx-hazelcast does.
        for (MessageConsumer<Object> consumer : consumers) {
            await(consumer.unregister());
        }
        String gw = b.newestRecord("gw-db").orElseThrow().id();
        long refusedA = a.server().statistics().clusterRefused();
        long refusedB = b.server().statistics().clusterRefused();
        DeliveryOptions asFrame = new DeliveryOptions().setCodecName(RawFrames.NAME);
        for (int i = 0; i < FORGED_FRAMES; i++) {
            holder.eventBus().send("nuttssh.node." + nodeA + ".frames", RawFrames.data(UUID.randomUUID()), asFrame);
            holder.eventBus().send("nuttssh.node." + nodeB + ".frames", RawFrames.data(UUID.randomUUID()), asFrame);
        }
        List<JsonObject> requests = List.of(
                new JsonObject().put("op", "kick").put("id", gw).put("by", "holder"),
                new JsonObject().put("op", "kick").put("id", gw).put("by", "holder").put("node", nodeA.value())
                        .put("signature", "AAAA"),
                new JsonObject().put("op", "circuits"),
                new JsonObject().put("op", "traffic").put("node", "node-c").put("signature", "AAAA"));
        JsonObject open = new JsonObject().put("circuit", UUID.randomUUID().toString()).put("node", nodeA.value())
                .put("listener", gw).put("port", 22).put("originHost", "127.0.0.1").put("originPort", 1)
                .put("initiator", "holder").put("signature", "AAAA");
        // Refused, and not even the refusal reaches the holder: it is no proven node, so nothing is routed to it.
        DeliveryOptions briefly = new DeliveryOptions().setSendTimeout(REPLY_TIMEOUT.toMillis());
        List<Future<Message<Object>>> answers = new ArrayList<>();
        for (JsonObject request : requests) {
            answers.add(holder.eventBus().request("nuttssh.node." + nodeB + ".admin", request, briefly));
        }
        answers.add(holder.eventBus().request("nuttssh.node." + nodeB + ".open", open, briefly));
        for (Future<Message<Object>> answer : answers) {
            Object got = await(answer.<Object>map(Message::body).recover(Future::succeededFuture));
            assertTrue(got instanceof ReplyException, "answered: " + got);
        }

        assertTrue(b.newestRecord("gw-db").isPresent(), "gw-db kicked");
        RelayFixture.await("A's refusals counted", () ->
                a.server().statistics().clusterRefused() >= refusedA + FORGED_FRAMES);
        RelayFixture.await("B's refusals counted", () ->
                b.server().statistics().clusterRefused() >= refusedB + FORGED_FRAMES + requests.size() + 1);
        everyDownloadArrives(echo, 1);
    }

    /**
     * Frames as the holder writes them, in the relay's wire form (FrameCodec): a DATA frame is its kind (0), the
     * circuit id and its length, then its bytes. The holder only sends them.
     */
    private static final class RawFrames implements MessageCodec<Buffer, Buffer> {

        static final String NAME = "nuttssh-frame";

        static Buffer data(UUID circuit) {
            byte[] bytes = "injected".getBytes(StandardCharsets.US_ASCII);
            return Buffer.buffer().appendByte((byte) 0).appendLong(circuit.getMostSignificantBits())
                    .appendLong(circuit.getLeastSignificantBits()).appendInt(bytes.length).appendBytes(bytes);
        }

        @Override
        public void encodeToWire(Buffer wire, Buffer frame) {
            wire.appendBuffer(frame);
        }

        @Override
        public Buffer decodeFromWire(int pos, Buffer wire) {
            throw new UnsupportedOperationException("the holder receives no frames");
        }

        @Override
        public Buffer transform(Buffer frame) {
            return frame;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    /**
     * {@code downloads} downloads from {@code echo}, behind a listening client on B (started unless it runs), through
     * A: each opens and arrives whole.
     */
    private void everyDownloadArrives(TcpTarget echo, int downloads) throws Exception {
        RelayFixture a = cluster.a();
        if (cluster.b().newestRecord("gw-db").isEmpty()) {
            cluster.b().listener("gw", "gw-db", "gw-db", "22:localhost:" + echo.port());
        }
        RelayFixture.await("gw-db known on A", () -> a.newestRecord("gw-db").isPresent());
        Path input = a.dir().resolve("download.txt");
        Files.writeString(input, randomText(DOWNLOAD_BYTES), StandardCharsets.US_ASCII);
        String expected = "db\n" + Files.readString(input, StandardCharsets.US_ASCII);
        List<String> failures = new ArrayList<>();
        int answered = 0;
        for (int i = 0; i < downloads; i++) {
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
        assertEquals(downloads, answered, "circuit opens answered; failures: " + failures);
        assertEquals(List.of(), failures, downloads - failures.size() + " of " + downloads + " downloads intact");
    }

    /** A clustered Vert.x with nothing but the cluster's name and member list: no certificate, no TLS. */
    private Vertx joinStranger() throws Exception {
        return joinStranger(new EventBusOptions());
    }

    /** A clustered Vert.x with the cluster's name and member list, its event bus as {@code options} say. */
    private Vertx joinStranger(EventBusOptions options) throws Exception {
        strangerManager = new HazelcastClusterManager(HazelcastFiles.stranger(cluster.hazelcastFile(),
                cluster.name()));
        stranger = await(Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(options.setHost("127.0.0.1")))
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
