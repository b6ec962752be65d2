package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cluster-insecure}, as an operator runs it: it works, and says at every start and in whoami and metrics. */
class ClusterInsecureTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void anInsecureClusterRunsAndSaysSoEverywhere() throws Exception {
        RelayProcess node = relay.startProcess(List.of("--cluster", "--cluster-insecure", "--cluster-host",
                "127.0.0.1", "--cluster-name", "nuttssh-insecure-" + UUID.randomUUID(), "--cluster-config",
                HazelcastFiles.onFreePorts(dir).toString(), "--metrics-port", "0", "--metrics-bind", "127.0.0.1"),
                "access=\"initiate\" {alice}");

        assertTrue(node.logLines().stream().anyMatch(line -> line.contains(" WARN ")
                && line.contains("is INSECURE (--cluster-insecure)")), node.logText());
        SshProcess whoami = relay.run(relay.ssh("relay-alice", "whoami"));
        assertEquals(0, whoami.process().exitValue(), whoami.stderr());
        assertTrue(whoami.stdout().contains("INSECURE: no TLS, readable records"), whoami.stdout());
        assertEquals(1.0, MetricsScrape.of(node.metricsPort(RelayFixture.TIMEOUT)).value("nuttssh_cluster_insecure"));
    }
}
