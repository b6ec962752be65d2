package org.nuttssh.ssh;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The authenticated connections on this node, by id. */
final class ConnectedClients {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();

    void add(ClientConnection client) {
        byId.put(client.id(), client);
    }

    void remove(ClientConnection client) {
        byId.remove(client.id());
    }

    Optional<ClientConnection> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Collection<ClientConnection> all() {
        return List.copyOf(byId.values());
    }

    int count() {
        return byId.size();
    }
}
