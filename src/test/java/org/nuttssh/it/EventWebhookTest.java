package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.events.WebhookOutcome;
import org.nuttssh.testing.WebhookReceiver;

import io.vertx.core.json.JsonObject;

/** The event webhook against a local HTTP receiver: what it posts, how it retries, and that a dead one costs nothing. */
class EventWebhookTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void postsEachEventOnceAsJsonArrays() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.answering());
        TcpTarget echo = start(receiver);
        SshProcess gw = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        gw.close();
        relay.awaitGone("gw1");
        RelayFixture.await("connected and disconnected posted", () -> kinds(receiver).contains("disconnected"));
        assertEquals(List.of("connected", "disconnected"), kinds(receiver));
        JsonObject connected = receiver.events().get(0);
        assertEquals("gw1", connected.getString("name"));
        assertEquals(relay.server().nodeId().shortId(), connected.getString("node"));
        assertEquals(22, connected.getJsonArray("ports").getInteger(0));
        RelayFixture.await("sent counted", () -> sent() == 2);
        assertEquals(0, relay.server().statistics().webhookEvents().get(WebhookOutcome.FAILED));
    }

    @Test
    void retriesAReceiverThatFailsFirst() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(503, 500));
        TcpTarget echo = start(receiver);
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        RelayFixture.await("connected posted after two failures", () -> kinds(receiver).contains("connected"));
        assertEquals(3, receiver.requests(), "two failed attempts, then the one taken");
        assertEquals(List.of("connected"), kinds(receiver));
        RelayFixture.await("sent counted", () -> sent() == 1);
        assertEquals(0, relay.server().statistics().webhookEvents().get(WebhookOutcome.FAILED));
    }

    @Test
    void aReceiverThatNeverAnswersDoesNotSlowTheRelay() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.silent());
        TcpTarget echo = start(receiver);
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        RelayFixture.await("the first batch held by the receiver", () -> receiver.requests() == 1);
        // While the receiver holds that request, circuits and listeners go on as before.
        for (int i = 0; i < 3; i++) {
            assertEquals("echo\nhello\n", RoundTrip.viaSsh(relay.dir(), relay.ssh("-W", "gw1:22", "relay-alice"),
                    "hello\n", RelayFixture.TIMEOUT));
        }
        relay.listener("gw", "gw2", "gw2", "22:localhost:" + echo.port());
        assertEquals(0, sent());
    }

    private WebhookReceiver receiver(WebhookReceiver receiver) {
        relay.onClose(receiver);
        return receiver;
    }

    private TcpTarget start(WebhookReceiver receiver) throws Exception {
        relay.configure(config -> config.eventWebhook(receiver.url()));
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        return relay.target("echo", TcpTarget.Mode.ECHO);
    }

    private long sent() {
        return relay.server().statistics().webhookEvents().get(WebhookOutcome.SENT);
    }

    private static List<String> kinds(WebhookReceiver receiver) {
        return receiver.events().stream().map(event -> event.getString("event")).toList();
    }
}
