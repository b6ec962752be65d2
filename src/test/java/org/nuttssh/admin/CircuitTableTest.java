package org.nuttssh.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.NodeId;

/** The text of {@code circuits}: rows oldest first, ages people can read, nodes when they differ. */
class CircuitTableTest {

    @Test
    void agesArePreciseWhileShortAndReadableWhenLong() {
        assertEquals("0s", CircuitTable.age(Duration.ofMillis(400)));
        assertEquals("59s", CircuitTable.age(Duration.ofSeconds(59)));
        assertEquals("1m00s", CircuitTable.age(Duration.ofSeconds(60)));
        assertEquals("59m59s", CircuitTable.age(Duration.ofSeconds(3599)));
        assertEquals("2h07m", CircuitTable.age(Duration.ofMinutes(127)));
    }

    @Test
    void rowsAreAlignedOldestFirst() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        List<CircuitView> circuits = List.of(
                new CircuitView("bob@10.0.0.2:6000", "gw1~1:80", now.minusSeconds(5), 100, 2000, new NodeId("aaaa-1"), new NodeId("bbbb-1")),
                new CircuitView("alice@10.0.0.1:5000", "gw1:22", now.minusSeconds(90), 6, 11, new NodeId("aaaa-1"),
                        new NodeId("aaaa-1")));

        assertEquals("""
                FROM                 TO        AGE    BYTES-UP  BYTES-DOWN  NODES
                alice@10.0.0.1:5000  gw1:22    1m30s  6         11          aaaa
                bob@10.0.0.2:6000    gw1~1:80  5s     100       2000        aaaa->bbbb
                """, CircuitTable.render(circuits, now));
        assertEquals("no open circuits\n", CircuitTable.render(List.of(), now));
    }

    @Test
    void aClientsControlCharactersArePrintedEscaped() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        List<CircuitView> circuits = List.of(new CircuitView("ev\u001b[2Jil\n@10.0.0.1:5000", "gw1:22",
                now.minusSeconds(1), 0, 0, new NodeId("aaaa-1"), new NodeId("aaaa-1")));

        assertEquals("""
                FROM                           TO      AGE  BYTES-UP  BYTES-DOWN  NODES
                ev\\x1b[2Jil\\x0a@10.0.0.1:5000  gw1:22  1s   0         0           aaaa
                """, CircuitTable.render(circuits, now));
    }
}
