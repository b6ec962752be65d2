package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Sighting;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LoopbackHazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.vertx.core.Vertx;

/**
 * Presence in a Hazelcast map (one member here): sealed so that only the cluster secret opens an entry, and only
 * under its own name; what does not open is counted and ignored; entries live for the retention.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastPresenceTest {

    private static final NodeId NODE = new NodeId("11111111-1111-1111-1111-111111111111");

    private final PresenceCodec codec = PresenceCodec.sealed(key(1));
    private final Vertx vertx = Vertx.vertx();
    private HazelcastInstance hazelcast;
    private IMap<String, byte[]> map;

    private static SealingKey key(int fill) {
        byte[] bytes = new byte[SealingKey.BYTES];
        Arrays.fill(bytes, (byte) fill);
        return new SealingKey(bytes);
    }

    @BeforeAll
    void startMember() {
        hazelcast = Hazelcast.newHazelcastInstance(LoopbackHazelcast.config("nuttssh-presence"));
        map = hazelcast.getMap(HazelcastPresence.MAP);
    }

    @AfterAll
    void stopMember() {
        hazelcast.shutdown();
        vertx.close();
    }

    @BeforeEach
    void empty() {
        map.clear();
    }

    private static Sighting sighting(String name) {
        return new Sighting(name, List.of("door"), List.of(22, 80), NODE, "10.0.0.1:1",
                Instant.now().minusSeconds(5));
    }

    @Test
    void aSealedSightingOpensOnlyUnderItsNameAndNothingOfItIsInTheClear() {
        Sighting gw1 = sighting("GW-Secret");
        byte[] value = codec.encode(gw1);

        assertEquals(Optional.of(gw1), codec.decode("gw-secret", value));
        assertEquals(Optional.empty(), codec.decode("gw-other", value), "moved to another name");
        assertEquals(Optional.empty(), PresenceCodec.sealed(key(2)).decode("gw-secret", value), "another secret");
        assertEquals(Optional.empty(), PresenceCodec.plain().decode("gw-secret", value), "not plain JSON");
        String text = new String(value, StandardCharsets.ISO_8859_1);
        assertTrue(!text.contains("Secret") && !text.contains("10.0.0.1"), text);
        byte[] flipped = value.clone();
        flipped[flipped.length - 1] ^= 1;
        assertEquals(Optional.empty(), codec.decode("gw-secret", flipped), "tampered");
    }

    @Test
    void whatDoesNotOpenIsCountedAndIgnored() {
        HazelcastPresence presence = HazelcastPresence.start(hazelcast, codec, PresenceConfig.DEFAULT, vertx);
        presence.seen(sighting("gw1"));
        map.set("gw2", PresenceCodec.plain().encode(sighting("gw2")));
        map.set("gw3", "garbage".getBytes(StandardCharsets.UTF_8));
        map.set("gw4", codec.encode(sighting("gw5")));
        Await.until("gw1 written", () -> map.containsKey("gw1"));

        List<Sighting> recent = presence.recent().toCompletableFuture().join();

        assertEquals(List.of("gw1"), recent.stream().map(Sighting::name).toList());
        assertEquals(3, presence.unreadable());
    }

    @Test
    void anEntryLivesForTheRetention() {
        HazelcastPresence presence = HazelcastPresence.start(hazelcast, codec,
                new PresenceConfig(Duration.ofMinutes(1), 10), vertx);
        presence.seen(sighting("gw1"));
        Await.until("gw1 written", () -> map.containsKey("gw1"));

        long ttl = map.getEntryView("gw1").getTtl();

        assertEquals(TimeUnit.MINUTES.toMillis(1), ttl);
    }
}
