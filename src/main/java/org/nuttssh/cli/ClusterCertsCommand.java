package org.nuttssh.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.nuttssh.cluster.trust.ClusterCertificates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nuttssh cluster-certs}: everything a secure cluster needs, made once. */
@Command(name = "cluster-certs", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Make a CA, the cluster secret, and a certificate and key for each NODE, in DIR. Existing files "
                + "are kept, never overwritten: run it again with new names to add nodes to the same CA. --revoke takes "
                + "a node out for good: its certificate goes on the CA's revocation list, ca.crl. --rotate-secret and "
                + "--retire-old-secret replace the cluster secret while the nodes run.")
final class ClusterCertsCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", required = true,
            description = "Where the files go: ca.crt, ca.key, cluster.secret, NODE.crt, NODE.key.")
    Path dir;

    @Option(names = "--host", paramLabel = "ADDR",
            description = "An address or host name the nodes are known by, added to every node certificate made "
                    + "now (repeatable; each certificate also names its node).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--revoke", paramLabel = "NODE",
            description = "Add NODE's certificate (DIR/NODE.crt) to the revocation list DIR/ca.crl, which every node "
                    + "reads beside its CA certificate (repeatable).")
    List<String> revoked = new ArrayList<>();

    @Option(names = "--rotate-secret",
            description = "Make the next cluster secret, DIR/cluster.secret.next, keeping the current one: nodes "
                    + "given both read with both, and seal with the next once every node has it.")
    boolean rotateSecret;

    @Option(names = "--retire-old-secret",
            description = "End a rotation: DIR/cluster.secret.next replaces DIR/cluster.secret; nodes given only "
                    + "the new one no longer read what the old one sealed.")
    boolean retireOldSecret;

    @Parameters(paramLabel = "NODE", arity = "0..*", description = "Node names, e.g. relay1 relay2 relay3.")
    List<String> nodes = new ArrayList<>();

    private final PrintStream console;

    ClusterCertsCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (nodes.isEmpty() && revoked.isEmpty() && !rotateSecret && !retireOldSecret) {
            console.println("nuttssh cluster-certs: no NODE (expected: node names to make, --revoke NODE, "
                    + "--rotate-secret or --retire-old-secret)");
            return ExitStatus.STARTUP_FAILED;
        }
        if (rotateSecret && retireOldSecret) {
            console.println("nuttssh cluster-certs: --rotate-secret and --retire-old-secret together (expected: one, "
                    + "then the other once every node seals with the next secret)");
            return ExitStatus.STARTUP_FAILED;
        }
        ClusterCertificates files = new ClusterCertificates(dir, line -> console.println("cluster-certs: " + line));
        try {
            if (!revoked.isEmpty()) {
                files.revoke(revoked);
            }
            if (!nodes.isEmpty()) {
                files.create(nodes, hosts);
            }
            if (rotateSecret) {
                files.rotateSecret();
            }
            if (retireOldSecret) {
                files.retireOldSecret();
            }
        } catch (IllegalArgumentException | IOException e) {
            console.println("nuttssh cluster-certs: " + e.getMessage());
            return ExitStatus.STARTUP_FAILED;
        }
        if (nodes.isEmpty()) {
            return ExitStatus.OK;
        }
        console.println("cluster-certs: give each node --cluster-tls-cert DIR/NODE.crt --cluster-tls-key DIR/NODE.key "
                + "--cluster-tls-ca DIR/ca.crt --cluster-secret DIR/cluster.secret");
        return ExitStatus.OK;
    }
}
