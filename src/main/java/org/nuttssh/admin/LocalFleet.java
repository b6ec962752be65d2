package org.nuttssh.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Sighting;

/** A relay of one node: every question is answered by that node, at once. */
public final class LocalFleet implements Fleet {

    private final NodeAdmin node;
    private final Supplier<ClusterView> view;
    private final Supplier<CompletionStage<List<Sighting>>> offline;

    /** @param offline what presence remembers of names gone */
    public LocalFleet(NodeAdmin node, Supplier<ClusterView> view, Supplier<CompletionStage<List<Sighting>>> offline) {
        this.node = node;
        this.view = view;
        this.offline = offline;
    }

    @Override
    public boolean spansNodes() {
        return false;
    }

    @Override
    public ClusterView view() {
        return view.get();
    }

    @Override
    public CompletionStage<FleetAnswer<ClientTraffic>> traffic() {
        return CompletableFuture.completedFuture(new FleetAnswer<>(node.traffic(), List.of()));
    }

    @Override
    public CompletionStage<List<Sighting>> offline() {
        return offline.get();
    }

    @Override
    public CompletionStage<FleetAnswer<CircuitView>> circuits() {
        return CompletableFuture.completedFuture(new FleetAnswer<>(node.circuits(), List.of()));
    }

    @Override
    public CompletionStage<Boolean> kick(ListenerRecord client, String by) {
        return CompletableFuture.completedFuture(node.kick(client.id(), by));
    }
}
