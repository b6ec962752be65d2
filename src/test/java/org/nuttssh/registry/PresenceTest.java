package org.nuttssh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.testing.ManualClock;
import org.nuttssh.testing.Records;

/** Presence on a node alone, against a clock the test moves: retention, the bound, and what counts as offline. */
class PresenceTest {

    private static final NodeId NODE = new NodeId("aaaa-1");
    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");

    private final ManualClock clock = new ManualClock(START);

    @Test
    void aNameIsRememberedForTheRetentionFromWhenItWasLastSeen() {
        LocalPresence presence = new LocalPresence(new PresenceConfig(Duration.ofDays(30), 10), clock);
        presence.seen(sighting("gw1"));
        clock.advance(Duration.ofDays(20));
        presence.seen(sighting("gw2"));
        clock.advance(Duration.ofDays(10));
        assertEquals(List.of("gw1", "gw2"), names(presence), "30 days exactly is still within");

        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("gw2"), names(presence), "gw1 expired");
        presence.seen(sighting("GW2"));
        clock.advance(Duration.ofDays(29));
        assertEquals(List.of("GW2"), names(presence), "seen again, in another case: one name, kept from then on");
        clock.advance(Duration.ofDays(2));
        assertEquals(List.of(), names(presence));
    }

    @Test
    void pastTheBoundTheLongestUnseenNamesGoFirst() {
        LocalPresence presence = new LocalPresence(new PresenceConfig(Duration.ofDays(30), 3), clock);
        for (String name : List.of("gw1", "gw2", "gw3")) {
            presence.seen(sighting(name));
            clock.advance(Duration.ofMinutes(1));
        }
        presence.seen(sighting("gw1"));
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            presence.seen(sighting("flood-" + i));
        }
        assertEquals(List.of("flood-97", "flood-98", "flood-99"), names(presence), "a flood keeps only the bound");

        presence.seen(sighting("gw1"));
        presence.seen(sighting("gw4"));
        assertEquals(List.of("flood-99", "gw1", "gw4"), names(presence));
    }

    @Test
    void offlineIsWhatWasSeenAndIsNotConnectedNowAndTheComingsAndGoingsAreCounted() {
        LocalPresence presence = new LocalPresence(PresenceConfig.DEFAULT, clock);
        PresenceKeeper keeper = new PresenceKeeper(new LocalRegistry(), presence, clock);
        ListenerRecord gw1 = Records.listener("a-1", NODE, "gw1").aliases(List.of("door")).build();
        ListenerRecord gw2 = Records.listener("a-2", NODE, "gw2").build();

        keeper.register(gw1);
        keeper.register(gw2);
        keeper.register(Records.listener("a-2", NODE, "gw2").ports(22, 80).build());
        assertEquals(List.of(), keeper.offline().toCompletableFuture().join(), "both connected");
        clock.advance(Duration.ofMinutes(5));
        keeper.unregister("a-1");
        keeper.unregister("a-1");

        List<Sighting> offline = keeper.offline().toCompletableFuture().join();
        assertEquals(List.of(new Sighting("gw1", List.of("door"), List.of(22), NODE, "10.0.0.1:1",
                START.plus(Duration.ofMinutes(5)))), offline);
        assertEquals(List.of(2L, 1L, 1), List.of(keeper.connects(), keeper.disconnects(), keeper.offlineCount()));

        keeper.register(Records.listener("a-3", NODE, "other").aliases(List.of("GW1")).build());
        assertEquals(List.of(), keeper.offline().toCompletableFuture().join(), "another client holds the name now");
    }

    @Test
    void theClientsOfALostNodeAreSeenWhenItIsLost() {
        LocalPresence presence = new LocalPresence(PresenceConfig.DEFAULT, clock);
        PresenceKeeper keeper = new PresenceKeeper(new LocalRegistry(), presence, clock);
        clock.advance(Duration.ofHours(1));
        keeper.lost(List.of(Records.listener("b-1", new NodeId("bbbb-1"), "gw9").build()));
        Sighting seen = keeper.offline().toCompletableFuture().join().get(0);
        assertEquals(List.of("gw9", "bbbb", START.plus(Duration.ofHours(1))),
                List.of(seen.name(), seen.node().shortId(), seen.lastSeen()));
    }

    private Sighting sighting(String name) {
        return new Sighting(name, List.of(), List.of(22), NODE, "10.0.0.1:1", clock.instant());
    }

    private static List<String> names(LocalPresence presence) {
        return presence.recent().toCompletableFuture().join().stream().map(Sighting::name).sorted().toList();
    }
}
