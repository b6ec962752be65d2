package org.nuttssh.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nuttssh.config.RelayVersion;

import org.nuttssh.registry.NodeId;

/**
 * A node's view of the relay's nodes, for {@code whoami}, {@code list -v} and the metrics.
 *
 * @param self       this node
 * @param members    the nodes this one sees as members, itself included; just itself when alone
 * @param merges     how often this node merged back into a cluster after a split
 * @param resyncs    how often its registry was found out of step with the cluster's and repaired
 * @param unreadable values in the shared map that did not open as records (another secret, or not a relay's)
 * @param refused    messages from other members refused: frames for circuits this node never had, circuit opens
 *                   and operator requests not signed by a member node
 * @param insecure   whether the cluster runs without TLS and sealed records ({@code --cluster-insecure})
 * @param upkeep     what keeping its registry in step with the cluster's has cost
 * @param releases   each member's release, as it announced it (a node of release 0.1 announces none)
 */
public record ClusterView(NodeId self, List<NodeId> members, long merges, long resyncs, long unreadable,
                          long refused, boolean insecure, Upkeep upkeep, Map<NodeId, String> releases) {

    /**
     * @param seconds        time spent checking and repairing the registry
     * @param recordsFetched records read from the shared map to do so
     */
    public record Upkeep(double seconds, long recordsFetched) {

        public static final Upkeep NONE = new Upkeep(0, 0);
    }

    public ClusterView {
        members = List.copyOf(members);
        releases = Collections.unmodifiableMap(new LinkedHashMap<>(releases));
    }

    /** {@code node}'s release, or {@code ?} for a node that is no member now (its clients are still listed). */
    public String releaseOf(NodeId node) {
        return releases.getOrDefault(node, "?");
    }

    /** A node on its own. */
    public static ClusterView alone(NodeId self) {
        return new ClusterView(self, List.of(self), 0, 0, 0, 0, false, Upkeep.NONE,
                Map.of(self, RelayVersion.version()));
    }
}
