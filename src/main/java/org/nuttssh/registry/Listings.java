package org.nuttssh.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Builds {@code list} rows from a name-to-clients snapshot; shared by every registry so all nodes answer alike. */
public final class Listings {

    private Listings() {
    }

    /**
     * @param clientsByName every {@link ClientName#fold folded} name with its clients, newest first
     * @return one row per client, its names as the client's record writes them, sorted by connect name regardless
     *         of case (so {@code gw1} precedes {@code gw1~1})
     */
    public static List<Listing> of(Map<String, List<ListenerRecord>> clientsByName) {
        List<Listing> rows = new ArrayList<>();
        clientsByName.forEach((name, clients) -> {
            for (int index = 0; index < clients.size(); index++) {
                ListenerRecord client = clients.get(index);
                List<String> names = client.names();
                if (ClientName.fold(client.hostname()).equals(name)) {
                    List<String> aliasNames = names.subList(1, names.size()).stream()
                            .map(alias -> ConnectName.format(alias,
                                    indexOf(clientsByName.get(ClientName.fold(alias)), client)))
                            .toList();
                    rows.add(new Listing(client, ConnectName.format(client.hostname(), index), aliasNames));
                }
            }
        });
        rows.sort(Comparator.comparing((Listing row) -> ClientName.fold(row.record().hostname()))
                .thenComparing(row -> row.connectName().length())
                .thenComparing(row -> ClientName.fold(row.connectName())));
        return rows;
    }

    private static int indexOf(List<ListenerRecord> clients, ListenerRecord client) {
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).id().equals(client.id())) {
                return i;
            }
        }
        throw new IllegalStateException("client " + client.id() + " missing from its alias list");
    }
}
