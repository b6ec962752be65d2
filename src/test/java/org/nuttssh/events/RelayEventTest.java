package org.nuttssh.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** An event as JSON and as text, and what another node may send for one. */
class RelayEventTest {

    private final RelayEvent refused = RelayEvent.now(RelayEvent.REFUSED, "gw\u001b[31m1", "4f2a9c1e")
            .with("port", 22).with("initiator", "alice").with("ports", List.of(22, 80)).with("reason", null)
            .with("message", "no listening client named 'gw1'");

    @Test
    void jsonHasTheHeadFirstThenTheFieldsAndReadsBackTheSame() {
        JsonObject json = refused.toJson();
        assertEquals(List.of("event", "time", "name", "node", "port", "initiator", "ports", "message"),
                List.copyOf(json.fieldNames()));
        assertTrue(json.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z"));
        assertEquals(Optional.of(refused), RelayEvent.fromJson(new JsonObject(json.encode())));
    }

    @Test
    void textEscapesWhatClientsChoseAndQuotesWhatHasSpaces() {
        String text = refused.toText();
        assertTrue(text.endsWith(" refused gw\\x1b[31m1 node 4f2a9c1e port 22 initiator alice ports [22,80] message "
                + "'no listening client named 'gw1''"), text);
    }

    @Test
    void whatIsNotAnEventIsIgnored() {
        assertEquals(Optional.empty(), RelayEvent.fromJson(new JsonObject().put("event", "connected")));
        assertEquals(Optional.empty(), RelayEvent.fromJson(new JsonObject().put("event", 1).put("name", "gw1")
                .put("node", "n").put("time", "2026-12-07T09:30:00Z")));
        assertEquals(Optional.empty(), RelayEvent.fromJson(new JsonObject().put("event", "connected")
                .put("name", "gw1").put("node", "n").put("time", "yesterday")));
    }
}
