package org.nuttssh.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The text of {@code circuits}: one aligned row per open circuit, oldest first. */
final class CircuitTable {

    private static final List<String> HEADER = List.of("FROM", "TO", "AGE", "BYTES-UP", "BYTES-DOWN", "NODES");
    static final String NONE = "no open circuits\n";

    private CircuitTable() {
    }

    static String render(List<CircuitView> circuits, Instant now) {
        if (circuits.isEmpty()) {
            return NONE;
        }
        TextTable table = new TextTable(HEADER);
        circuits.stream().sorted(Comparator.comparing(CircuitView::openedAt)).forEach(circuit -> table.add(List.of(
                circuit.from(),
                circuit.to(),
                age(Duration.between(circuit.openedAt(), now)),
                String.valueOf(circuit.bytesUp()),
                String.valueOf(circuit.bytesDown()),
                nodes(circuit))));
        return table.render();
    }

    /** {@code 42s}, {@code 3m05s}, {@code 2h07m}: precise while short, readable when long. */
    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private static String nodes(CircuitView circuit) {
        String from = circuit.initiatorNode().shortId();
        String to = circuit.targetNode().shortId();
        return from.equals(to) ? from : from + "->" + to;
    }
}
