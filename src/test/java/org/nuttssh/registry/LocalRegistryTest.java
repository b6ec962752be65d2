package org.nuttssh.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nuttssh.testing.Records;

import org.junit.jupiter.api.Test;

class LocalRegistryTest {

    private final LocalRegistry registry = new LocalRegistry();

    private static ListenerRecord record(String id, String hostname, List<String> aliases, int... ports) {
        return Records.listener(id, new NodeId("node-a"), hostname).aliases(aliases).ports(ports).build();
    }

    private Optional<String> resolve(String name, int index) {
        return registry.resolve(name, index).toCompletableFuture().join().map(ListenerRecord::id);
    }

    @Test
    void newestRegistrationWinsAndOlderOnesShiftDown() {
        registry.register(record("a", "gw", List.of(), 22));
        registry.register(record("b", "gw", List.of(), 22));
        registry.register(record("c", "gw", List.of(), 22));

        assertEquals(Optional.of("c"), resolve("gw", 0));
        assertEquals(Optional.of("b"), resolve("gw", 1));
        assertEquals(Optional.of("a"), resolve("gw", 2));
        assertEquals(Optional.empty(), resolve("gw", 3));
    }

    @Test
    void updatingPortsKeepsThePlaceInLine() {
        registry.register(record("a", "gw", List.of(), 22));
        registry.register(record("b", "gw", List.of(), 22));
        registry.register(record("a", "gw", List.of(), 22, 80));

        assertEquals(Optional.of("b"), resolve("gw", 0));
        assertEquals(Map.of(22, "localhost", 80, "localhost"),
                registry.resolve("gw", 1).toCompletableFuture().join().orElseThrow().ports());
    }

    @Test
    void unregisterRemovesEveryNameAndClosesTheGap() {
        registry.register(record("a", "gw", List.of("office"), 22));
        registry.register(record("b", "gw", List.of(), 22));
        registry.unregister("b");
        registry.unregister("unknown");

        assertEquals(Optional.of("a"), resolve("gw", 0));
        assertEquals(Optional.of("a"), resolve("office", 0));
        registry.unregister("a");
        assertEquals(Optional.empty(), resolve("gw", 0));
        assertEquals(Optional.empty(), resolve("office", 0));
    }

    @Test
    void listShowsEachClientOnceWithConnectNamesConsistentWithResolve() {
        registry.register(record("a", "gw", List.of("office"), 22));
        registry.register(record("b", "gw", List.of(), 80, 22));
        registry.register(record("c", "other", List.of("office"), 22));

        List<Listing> rows = registry.list().toCompletableFuture().join();

        assertEquals(List.of("gw", "gw~1", "other"), rows.stream().map(Listing::connectName).toList());
        assertEquals(List.of("b", "a", "c"), rows.stream().map(r -> r.record().id()).toList());
        assertEquals(List.of("office~1"), rows.get(1).aliasNames());
        assertEquals(List.of("office"), rows.get(2).aliasNames());
        assertEquals(Optional.of("a"), resolve("office", 1));
    }

    @Test
    void namesResolveInAnyCaseAndShareOneNewestFirstOrder() {
        registry.register(record("a", "GW-Office", List.of(), 22));
        registry.register(record("b", "gw-office", List.of(), 22));

        assertEquals(Optional.of("b"), resolve("GW-OFFICE", 0));
        assertEquals(Optional.of("a"), resolve("gw-office", 1));
        assertEquals(Optional.empty(), resolve("Gw-Office", 2));
        assertEquals(1, registry.names(), "one name, whatever its case");
        List<Listing> rows = registry.list().toCompletableFuture().join();
        assertEquals(List.of("gw-office", "GW-Office~1"), rows.stream().map(Listing::connectName).toList(),
                "each row as its client wrote the name, numbered together");

        registry.unregister("b");
        assertEquals(Optional.of("a"), resolve("gw-office", 0));
        registry.unregister("a");
        assertEquals(0, registry.names());
    }

    @Test
    void anAliasThatIsTheHostnameInAnotherCaseIsOneName() {
        registry.register(record("a", "Office", List.of("office", "Printer", "PRINTER"), 22));
        registry.register(record("b", "printer", List.of(), 22));

        assertEquals(List.of("Office", "Printer"), registry.resolve("office", 0).toCompletableFuture().join()
                .orElseThrow().names());
        List<Listing> rows = registry.list().toCompletableFuture().join();
        assertEquals(List.of("Office", "printer"), rows.stream().map(Listing::connectName).toList());
        assertEquals(List.of("Printer~1"), rows.get(0).aliasNames());
        assertEquals(2, registry.names());
    }

    @Test
    void listSortsIndexesNumerically() {
        for (int i = 0; i < 12; i++) {
            registry.register(record("id" + i, "gw", List.of(), 22));
        }
        List<String> names = registry.list().toCompletableFuture().join().stream().map(Listing::connectName).toList();
        assertEquals("gw", names.get(0));
        assertEquals("gw~2", names.get(2));
        assertEquals("gw~11", names.get(11));
    }

    @Test
    void connectNamesParseLikeTheOriginalWithValidNamesOnly() {
        assertEquals(Optional.of(new ConnectName("gw", 0)), ConnectName.parse("gw"));
        assertEquals(Optional.of(new ConnectName("gw", 2)), ConnectName.parse("gw~2"));
        assertTrue(ConnectName.parse("a~b~1").isEmpty(), "'~' is never part of a name");
        assertTrue(ConnectName.parse("bad name").isEmpty());
        assertTrue(ConnectName.parse("a".repeat(254)).isEmpty());
        assertEquals(Optional.of(new ConnectName("a".repeat(253), 3)), ConnectName.parse("a".repeat(253) + "~3"));
        assertTrue(ConnectName.parse("gw~").isEmpty());
        assertTrue(ConnectName.parse("gw~x").isEmpty());
        assertTrue(ConnectName.parse("~1").isEmpty());
        assertTrue(ConnectName.parse("").isEmpty());
        assertTrue(ConnectName.parse("gw~99999999").isEmpty());
    }
}
