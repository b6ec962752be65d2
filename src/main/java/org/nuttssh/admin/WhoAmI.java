package org.nuttssh.admin;

import java.util.function.Function;
import java.util.stream.Collectors;

import org.nuttssh.auth.keys.Access;
import org.nuttssh.registry.NodeId;
import org.nuttssh.text.Printable;

/**
 * The text of {@code whoami}: what the relay knows about the caller, one {@code field: value} per line. The name is
 * the SSH user name the client chose, printed escaped.
 */
final class WhoAmI {

    private WhoAmI() {
    }

    /** @param nodes the relay's nodes as the node answering sees them, when it may have others */
    static String render(Caller caller, Fleet nodes) {
        String access = caller.access().isEmpty() ? "none"
                : String.join(",", caller.access().stream().sorted().map(Object::toString).toList());
        return "name: " + Printable.escape(caller.name()) + "\n"
                + "aliases: " + (caller.aliases().isEmpty() ? "-" : String.join(",", caller.aliases())) + "\n"
                + "access: " + access + "\n"
                + "address: " + caller.address() + "\n"
                + (caller.certificate() == null ? "key: " + caller.fingerprint()
                        : "certificate: " + Printable.escape(caller.certificate())) + "\n"
                + "cipher: " + caller.transport().cipher() + "\n"
                + "mac: " + (caller.transport().mac().isEmpty() ? "implicit" : caller.transport().mac()) + "\n"
                + "node: " + node(nodes, caller.access().contains(Access.ADMIN)) + "\n";
    }

    /**
     * {@code ID (alone)}, or {@code ID, one of N: ID,ID,... (merges M, registry resyncs R)[ INSECURE...]}; for an
     * admin key each node's release follows its id ({@code ID@0.2.0}), which shows how far a rolling upgrade got.
     */
    private static String node(Fleet nodes, boolean admin) {
        ClusterView view = nodes.view();
        Function<NodeId, String> named = admin ? node -> node.shortId() + "@" + view.releaseOf(node) : NodeId::shortId;
        if (!nodes.spansNodes()) {
            return named.apply(view.self()) + " (alone)";
        }
        return named.apply(view.self()) + ", one of " + view.members().size() + ": "
                + view.members().stream().map(named).collect(Collectors.joining(","))
                + " (merges " + view.merges() + ", registry resyncs " + view.resyncs() + ")"
                + (view.insecure() ? " INSECURE: no TLS, readable records" : "");
    }
}
