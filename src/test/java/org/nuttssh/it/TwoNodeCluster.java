package org.nuttssh.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.testing.ClusterSecurity;

import com.hazelcast.core.HazelcastInstance;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two relays of this JVM as one secure cluster, nodes A and B, each a {@link RelayFixture}: each node's certificate
 * and the secret from one CA, and a Hazelcast port range of their own, so that other clusters on this machine cannot
 * interfere. A JUnit extension: register it as a field; each test gets two fresh fixtures, which it may configure
 * before {@link #start}, and both are stopped after the test, B first.
 */
final class TwoNodeCluster implements BeforeEachCallback, AfterEachCallback {

    private final String name;
    private final RelayFixture a = new RelayFixture();
    private final RelayFixture b = new RelayFixture();
    private Path hazelcast;
    private String cluster;

    /** @param name the cluster name's prefix; a random suffix keeps concurrent runs apart */
    TwoNodeCluster(String name) {
        this.name = name;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        a.beforeEach(context);
        b.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            b.afterEach(context);
        } finally {
            a.afterEach(context);
        }
    }

    RelayFixture a() {
        return a;
    }

    RelayFixture b() {
        return b;
    }

    /** The Hazelcast file both nodes use; known once started. */
    Path hazelcastFile() {
        return hazelcast;
    }

    /** The cluster's name; known once started. */
    String name() {
        return cluster;
    }

    /**
     * Starts A, then B, each with its authorized_keys lines as {@link RelayFixture#start} takes them, and waits until
     * A counts both. A starts first so that B joins A's cluster rather than forming one of its own. The cluster's
     * files are in A's directory.
     */
    void start(List<String> aLines, List<String> bLines) throws Exception {
        startA(aLines);
        startB(bLines);
    }

    /** Starts A alone, for a test that does something before B joins; {@link #startB} follows. */
    void startA(List<String> aLines) throws Exception {
        hazelcast = HazelcastFiles.onFreePorts(a.dir());
        cluster = name + "-" + UUID.randomUUID();
        a.configure(c -> c.cluster(config(hazelcast, cluster, ClusterSecurity.of(certs(), "node-a"))));
        a.start(aLines.toArray(String[]::new));
    }

    /** Starts B after {@link #startA} and waits until A counts both. */
    void startB(List<String> bLines) throws Exception {
        startB(bLines, certs().resolve(ClusterCertificates.SECRET));
    }

    /** As {@link #startB(List)}, with B's cluster secret in a file of its own rather than in the CA's directory. */
    void startB(List<String> bLines, Path secret) throws Exception {
        ClusterConfig.Secure files = ClusterSecurity.of(certs(), "node-b");
        b.configure(c -> c.cluster(config(hazelcast, cluster, new ClusterConfig.Secure(files.tls(), secret))));
        b.start(bLines.toArray(String[]::new));
        RelayFixture.await("two members", () -> a.server().statistics().clusterMembers() == 2);
    }

    /** A node certificate from the cluster's CA (made unless it exists), for a member that is no relay. */
    ClusterConfig.Secure certificate(String node) {
        return ClusterSecurity.of(certs(), node);
    }

    /**
     * A bare Hazelcast member joined to the started cluster: a stranger on the cluster network, with neither
     * certificate nor secret. It is terminated after the test.
     */
    HazelcastInstance stranger() throws IOException {
        HazelcastInstance stranger = HazelcastFiles.bareMember(hazelcast, cluster, 3);
        a.onClose(() -> stranger.getLifecycleService().terminate());
        return stranger;
    }

    /** The CA's directory, where cluster-certs made the nodes' files and the secret. */
    Path certs() {
        return a.dir().resolve("certs");
    }

    private static ClusterConfig config(Path hazelcast, String cluster, ClusterConfig.Secure security) {
        return new ClusterConfig(hazelcast, cluster, "127.0.0.1", List.of(), null, null, security);
    }
}
