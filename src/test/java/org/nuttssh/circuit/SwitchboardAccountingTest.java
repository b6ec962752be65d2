package org.nuttssh.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nuttssh.config.Limit;
import org.nuttssh.events.EventSink;
import org.nuttssh.registry.LocalRegistry;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.FakeListener;
import org.nuttssh.testing.LogCapture;
import org.nuttssh.testing.RecordingEnd;
import org.nuttssh.testing.Records;
import org.slf4j.event.KeyValuePair;

import ch.qos.logback.classic.spi.ILoggingEvent;

/** What the switchboard counts and enforces around circuits: limits, refusals, bytes, the audit record, draining. */
class SwitchboardAccountingTest {

    private static final NodeId NODE = new NodeId("relay1");
    private static final Initiator ALICE = new Initiator("relay1-1", "alice", "10.0.0.1:5000", "SHA256:alice");
    private static final Initiator BOB = new Initiator("relay1-2", "bob", "10.0.0.2:5000", "SHA256:bob");

    private final LocalRegistry registry = new LocalRegistry();
    private final Refusals refusals = new Refusals();
    private final Switchboard switchboard = new Switchboard(registry, RemoteNodes.NONE, NODE, 1, Duration.ZERO, refusals,
            EventSink.NONE);
    private final FakeListener gw = FakeListener.slow();

    SwitchboardAccountingTest() {
        switchboard.publish(Records.listener("relay1-9", NODE, "gw1").build(), gw).toCompletableFuture().join();
    }

    private Circuit connect(Initiator who, RecordingEnd initiator, String target, int port) {
        return switchboard.connect(initiator, who, target, port, "10.0.0.1", 5000).toCompletableFuture().join();
    }

    private RefusalReason refusal(Initiator who, String target, int port) {
        Throwable failure = switchboard.connect(new RecordingEnd("initiator", true), who, target, port, "10.0.0.1", 5000)
                .toCompletableFuture().handle((circuit, error) -> error).join();
        return CircuitRefusedException.from(failure).reason();
    }

    private static void finish(RecordingEnd initiator, RecordingEnd target) {
        initiator.closedByClient();
        target.closedByClient();
    }

    @Test
    void aClientMayHaveOnlyItsLimitOfCircuitsOthersAreNotAffected() {
        RecordingEnd first = new RecordingEnd("initiator", true);
        Circuit circuit = connect(ALICE, first, "gw1", 22);

        assertEquals(RefusalReason.LIMIT, refusal(ALICE, "gw1", 22));
        RecordingEnd bobs = new RecordingEnd("initiator", true);
        connect(BOB, bobs, "gw1", 22);

        finish(first, targetOf(circuit));
        connect(ALICE, new RecordingEnd("initiator", true), "gw1", 22);
        assertEquals(1, refusals.circuits().get(RefusalReason.LIMIT));
        assertEquals(1, refusals.limits().get(Limit.MAX_CIRCUITS_PER_CLIENT), "the limit that refused it");
    }

    @Test
    void refusalsAreCountedByReasonExceptThoseDecidedElsewhere() {
        assertEquals(RefusalReason.BAD_NAME, refusal(ALICE, "gw1~x", 22));
        assertEquals(RefusalReason.NO_SUCH_NAME, refusal(ALICE, "gw9", 22));
        assertEquals(RefusalReason.NO_SUCH_PORT, refusal(ALICE, "gw1", 80));
        refusals.circuit(new CircuitRefusedException(2, "refused by the far node"));

        assertEquals(1, refusals.circuits().get(RefusalReason.BAD_NAME));
        assertEquals(1, refusals.circuits().get(RefusalReason.NO_SUCH_NAME));
        assertEquals(1, refusals.circuits().get(RefusalReason.NO_SUCH_PORT));
        assertEquals(0, refusals.circuits().get(RefusalReason.REMOTE));
    }

    @Test
    void byteTotalsKeepClosedCircuitsAndTheAuditRecordHasEveryField() {
        RecordingEnd initiator = new RecordingEnd("initiator", true);
        Circuit circuit = connect(ALICE, initiator, "gw1", 22);
        circuit.initiatorReady();
        RecordingEnd target = targetOf(circuit);
        initiator.send("hello");
        target.completeOneWrite();
        target.send("hi");
        initiator.completeOneWrite();
        assertEquals(5, switchboard.bytesUp());
        assertEquals(2, switchboard.bytesDown());
        assertEquals(new ListenerTraffic(1, 7), switchboard.traffic("relay1-9"));

        try (LogCapture audit = new LogCapture(CircuitAudit.class)) {
            finish(initiator, target);

            assertEquals(5, switchboard.bytesUp(), "closing does not lose bytes");
            assertEquals(2, switchboard.bytesDown());
            assertEquals(new ListenerTraffic(0, 7), switchboard.traffic("relay1-9"));
            assertEquals(1, switchboard.openedCircuits());
            assertEquals(0, switchboard.openCircuitCount());
            List<ILoggingEvent> records = audit.events();
            assertEquals(1, records.size());
            assertTrue(records.get(0).getFormattedMessage().startsWith("circuit closed: alice@10.0.0.1:5000 (key "
                    + "SHA256:alice) -> gw1:22 via node relay1, 5 bytes up, 2 bytes down, "), records.get(0)
                    .getFormattedMessage());
            Map<String, Object> fields = new HashMap<>();
            for (KeyValuePair pair : records.get(0).getKeyValuePairs()) {
                fields.put(pair.key, pair.value);
            }
            assertEquals("alice", fields.get("initiator"));
            assertEquals("SHA256:alice", fields.get("initiator_key"));
            assertEquals("gw1", fields.get("target"));
            assertEquals(22, fields.get("port"));
            assertEquals(NODE.value(), fields.get("initiator_node"));
            assertEquals(NODE.value(), fields.get("target_node"));
            assertEquals(5L, fields.get("bytes_up"));
            assertEquals(2L, fields.get("bytes_down"));
            assertEquals("initiator closed", fields.get("close_reason"));
            assertTrue(fields.get("duration_ms") instanceof Long);
        }
    }

    @Test
    void unlistingWithdrawsNamesAndListenersWhileCircuitsRoutedHereStillArrive() {
        switchboard.unlistAll().toCompletableFuture().join();

        assertTrue(registry.resolve("gw1", 0).toCompletableFuture().join().isEmpty());
        assertEquals(RefusalReason.NO_SUCH_NAME, refusal(BOB, "gw1", 22));
        Throwable publish = switchboard.publish(Records.listener("relay1-10", NODE, "late").build(),
                FakeListener.accepting()).toCompletableFuture().handle((ok, error) -> error).join();
        assertTrue(publish.getMessage().contains("shutting down"), publish.toString());
        // As from another node that resolved gw1 a moment before the withdrawal reached it.
        Circuit routed = switchboard.acceptFromRemote("relay1-9", 22, "10.0.0.3", 5000,
                new RecordingEnd("initiator", true)).toCompletableFuture().join();
        assertSame(gw.lastTarget(), targetOf(routed));
    }

    @Test
    void refusingCircuitsRefusesWhatIsNewFromHereAndFromOtherNodes() {
        switchboard.unlistAll().toCompletableFuture().join();
        switchboard.refuseCircuits();

        assertEquals(RefusalReason.SHUTTING_DOWN, refusal(BOB, "gw1", 22));
        Throwable routed = switchboard.acceptFromRemote("relay1-9", 22, "10.0.0.3", 5000,
                new RecordingEnd("initiator", true)).toCompletableFuture().handle((ok, error) -> error).join();
        assertEquals(RefusalReason.SHUTTING_DOWN, CircuitRefusedException.from(routed).reason());
    }

    @Test
    void aCircuitClosedByTheRelayKeepsItsReason() {
        RecordingEnd initiator = new RecordingEnd("initiator", true);
        Circuit circuit = connect(ALICE, initiator, "gw1", 22);
        assertNull(circuit.closeReason());

        circuit.close("kicked");
        targetOf(circuit).closedByClient();

        assertEquals("kicked", circuit.closeReason(), "the first reason stays");
        assertEquals(List.of("close"), initiator.events());
    }

    private RecordingEnd targetOf(Circuit circuit) {
        return (RecordingEnd) circuit.target();
    }
}
