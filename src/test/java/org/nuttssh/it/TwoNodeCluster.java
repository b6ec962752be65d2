package org.nuttssh.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

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

    /**
     * Starts A, then B, each with its authorized_keys lines as {@link RelayFixture#start} takes them, and waits until
     * A counts both. A starts first so that B joins A's cluster rather than forming one of its own. The cluster's
     * files are in A's directory.
     */
    void start(List<String> aLines, List<String> bLines) throws Exception {
        hazelcast = HazelcastFiles.onFreePorts(a.dir());
        cluster = name + "-" + UUID.randomUUID();
        Path certs = a.dir().resolve("certs");
        a.configure(c -> c.cluster(config(hazelcast, cluster, ClusterSecurity.of(certs, "node-a"))));
        a.start(aLines.toArray(String[]::new));
        b.configure(c -> c.cluster(config(hazelcast, cluster, ClusterSecurity.of(certs, "node-b"))));
        b.start(bLines.toArray(String[]::new));
        RelayFixture.await("two members", () -> a.server().statistics().clusterMembers() == 2);
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

    private static ClusterConfig config(Path hazelcast, String cluster, ClusterConfig.Secure security) {
        return new ClusterConfig(hazelcast, cluster, "127.0.0.1", List.of(), null, null, security);
    }
}
