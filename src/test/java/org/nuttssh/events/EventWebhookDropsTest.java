package org.nuttssh.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.nuttssh.metrics.Tally;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.WebhookReceiver;

import io.vertx.core.Vertx;

/**
 * A receiver that takes a request and never answers: the relay goes on offering events, which wait in the bounded
 * queue until it is full, and then are dropped, counted, and logged once rather than each.
 */
class EventWebhookDropsTest {

    @Test
    void whatDoesNotFitIsDroppedCountedAndLoggedOnce() throws Exception {
        Vertx vertx = Vertx.vertx();
        Tally<WebhookOutcome> counts = Tally.of(WebhookOutcome.class, WebhookOutcome::label);
        EventHub hub = new EventHub(NodeId.random());
        try (WebhookReceiver receiver = WebhookReceiver.silent(); LogCapture log = new LogCapture(EventWebhook.class);
             EventWebhook webhook = EventWebhook.start(vertx, URI.create(receiver.url()), hub, counts)) {
            hub.emit(RelayEvent.now(RelayEvent.CONNECTED, "gw0", hub.node()));
            Await.until("the first batch held by the receiver", () -> receiver.requests() == 1);
            int offered = EventWebhook.QUEUE + 1000;
            for (int i = 0; i < offered; i++) {
                hub.emit(RelayEvent.now(RelayEvent.CONNECTED, "gw" + i, hub.node()));
            }
            assertEquals(1000, counts.get(WebhookOutcome.DROPPED));
            assertEquals(0, counts.get(WebhookOutcome.SENT));
            assertEquals(1, log.lines().stream().filter(line -> line.startsWith("WARN event webhook "
                    + receiver.url().replace("/hook", "") + " is behind: 1 event(s) dropped")).count(), log.lines().toString());
            assertTrue(log.lines().stream().noneMatch(line -> line.contains("1000 event(s) dropped")));
        } finally {
            vertx.close().await();
        }
    }
}
