package org.nuttssh.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.nuttssh.registry.ListenerRecord;

/** A relay of one node: every question is answered by that node, at once. */
public final class LocalFleet implements Fleet {

    private final NodeAdmin node;
    private final Supplier<ClusterView> view;

    public LocalFleet(NodeAdmin node, Supplier<ClusterView> view) {
        this.node = node;
        this.view = view;
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
    public CompletionStage<FleetAnswer<CircuitView>> circuits() {
        return CompletableFuture.completedFuture(new FleetAnswer<>(node.circuits(), List.of()));
    }

    @Override
    public CompletionStage<Boolean> kick(ListenerRecord client, String by) {
        return CompletableFuture.completedFuture(node.kick(client.id(), by));
    }
}
