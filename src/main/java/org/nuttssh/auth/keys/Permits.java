package org.nuttssh.auth.keys;

import java.util.List;
import java.util.stream.Collectors;

import org.nuttssh.registry.ClientName;

/**
 * What a key line narrows beyond its access= levels, each list empty when the line does not narrow it.
 *
 * @param names  {@code names="GLOB,..."}: the names the key may listen as, {@code *}/{@code ?} patterns matched
 *               case-insensitively like the names themselves; repeated options add patterns
 * @param open   {@code permitopen=}: the clients (names in any case) and ports the key may open circuits to
 * @param listen {@code permitlisten=}: the virtual ports (and bind hosts) the key may listen on
 */
public record Permits(List<String> names, List<ForwardPermit> open, List<ForwardPermit> listen) {

    static final Permits NONE = new Permits(List.of(), List.of(), List.of());

    public Permits {
        names = List.copyOf(names);
        open = List.copyOf(open);
        listen = List.copyOf(listen);
    }

    public boolean mayListenAs(String name) {
        return names.isEmpty() || names.stream().anyMatch(pattern -> ClientName.matches(pattern, name));
    }

    /** Whether the key may open a circuit to {@code name} (a bare name, without {@code ~N}) on {@code port}. */
    public boolean mayOpen(String name, int port) {
        return open.isEmpty() || open.stream().anyMatch(permit -> permit.allowsOpen(name, port));
    }

    /** Whether the key is narrowed by {@code permitopen=}, so that it may not reach every client. */
    public boolean narrowsOpen() {
        return !open.isEmpty();
    }

    public boolean mayListen(String bindHost, int port) {
        return listen.isEmpty() || listen.stream().anyMatch(permit -> permit.allowsListen(bindHost, port));
    }

    /** As an option would be written: {@code names="gw-*,office"}. */
    public String describeNames() {
        return "names=\"" + String.join(",", names) + "\"";
    }

    public String describeOpen() {
        return "permitopen=\"" + open.stream().map(ForwardPermit::toString).collect(Collectors.joining(",")) + "\"";
    }

    public String describeListen() {
        return "permitlisten=\"" + listen.stream().map(ForwardPermit::toString).collect(Collectors.joining(","))
                + "\"";
    }
}
