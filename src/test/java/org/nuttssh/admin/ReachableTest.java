package org.nuttssh.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.ForwardPermit;
import org.nuttssh.auth.keys.Permits;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.LocalRegistry;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Records;

/** {@code list} shows a key narrowed by permitopen= only the clients, aliases and ports it may open. */
class ReachableTest {

    private static final NodeId NODE = new NodeId("aaaa-1");
    /** permitopen="GW-A:22,gw-c:*" */
    private static final Permits SUPPORT = new Permits(List.of(),
            List.of(new ForwardPermit("GW-A", 22), new ForwardPermit("gw-c", -1)), List.of());

    private final List<Listing> all = listings();

    private static List<Listing> listings() {
        LocalRegistry registry = new LocalRegistry();
        registry.register(Records.listener("c1", NODE, "gw-a").aliases(List.of("office")).ports(22, 5900).build());
        registry.register(Records.listener("c2", NODE, "gw-b").build());
        registry.register(Records.listener("c3", NODE, "db").aliases(List.of("GW-C")).ports(22, 80).build());
        return registry.list().toCompletableFuture().join();
    }

    private static Caller caller(Set<Access> access, Permits permits) {
        return new Caller("alice", List.of(), access, "127.0.0.1:1", "SHA256:x",
                new Caller.Transport("aes128-gcm@openssh.com", ""), null, permits);
    }

    @Test
    void aKeyNarrowedByPermitOpenSeesOnlyWhatItMayOpen() {
        List<Listing> seen = Reachable.by(caller(Set.of(Access.INITIATE), SUPPORT), all);

        assertEquals(List.of("db", "gw-a"), seen.stream().map(Listing::connectName).toList());
        assertEquals(List.of("GW-C"), seen.get(0).aliasNames());
        assertEquals(Set.of(22, 80), seen.get(0).record().ports().keySet());
        assertEquals(List.of(), seen.get(1).aliasNames(), "office is not its to open");
        assertEquals(List.of(), seen.get(1).record().aliases());
        assertEquals(Set.of(22), seen.get(1).record().ports().keySet(), "nor is port 5900");
    }

    @Test
    void aKeyWithoutPermitOpenAndAnAdminSeeEverything() {
        Permits none = new Permits(List.of(), List.of(), List.of());
        assertEquals(all, Reachable.by(caller(Set.of(Access.INITIATE), none), all));
        assertEquals(all, Reachable.by(caller(Set.of(Access.INITIATE, Access.ADMIN), SUPPORT), all));
    }
}
