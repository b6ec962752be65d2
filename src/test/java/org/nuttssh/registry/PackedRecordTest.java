package org.nuttssh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class PackedRecordTest {

    private static final NodeId NODE = new NodeId("0b1e2f3a-aaaa-bbbb-cccc-0123456789ab");

    private static ListenerRecord record(String id, String hostname, List<String> aliases, String address) {
        return new ListenerRecord(id, NODE, hostname, aliases, new TreeMap<>(Map.of(22, "localhost", 80, "")),
                address, Instant.parse("2026-12-07T12:00:00.123Z"), 1_765_000_000_000_000L);
    }

    @Test
    void unpacksToTheRecordPackedWhateverItsIdNamesAndAddress() {
        for (String id : List.of(NODE + "-1", NODE + "-0", NODE + "-123456789012345678", NODE + "-007", NODE + "-",
                NODE + "-12x", NODE + "-1234567890123456789", "other-node-5", "a", "")) {
            for (ListenerRecord record : List.of(record(id, "GW-Office", List.of(), "198.51.100.7:4022"),
                    record(id, "gw", List.of("office", "GW"), "[2001:db8::1]:22"),
                    record(id, "gwé", List.of(), ""))) {
                PackedRecord packed = new PackedRecord(record, NODE);

                assertEquals(record, packed.record());
                assertEquals(record.id(), packed.id());
                assertEquals(record.names(), packed.names());
                assertEquals(record.id().hashCode(), packed.idHash(), id);
                assertTrue(packed.hasId(record.id()));
                assertFalse(packed.hasId(record.id() + "0"));
                assertEquals(ClientName.fold(record.hostname()).hashCode(), packed.foldedHostnameHash());
                assertTrue(packed.hostnameFoldsTo(ClientName.fold(record.hostname())));
                assertFalse(packed.hostnameFoldsTo(ClientName.fold(record.hostname()) + "x"));
            }
        }
    }

    @Test
    void recordsWithEqualPortsShareOneMapAndTheNodeGiven() {
        NodeId copy = new NodeId(new String(NODE.value()));
        PackedRecord one = new PackedRecord(record(NODE + "-1", "a", List.of(), "x"), NODE);
        PackedRecord two = new PackedRecord(new ListenerRecord(NODE + "-2", copy, "b", List.of(),
                new TreeMap<>(Map.of(80, "", 22, "localhost")), "y", Instant.EPOCH, 1), NODE);

        assertSame(one.record().node(), two.record().node());
        assertSame(portsOf(one), portsOf(two));
    }

    @Test
    void aNodeOtherThanTheRecordsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new PackedRecord(record(NODE + "-1", "a", List.of(), "x"), new NodeId("other")));
    }

    private static Object portsOf(PackedRecord packed) {
        try {
            var field = PackedRecord.class.getDeclaredField("ports");
            field.setAccessible(true);
            return field.get(packed);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
