package org.nuttssh;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.MetricsConfig;
import org.nuttssh.config.RelayConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.ssh.transport.HostKeys;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.FreePorts;
import org.nuttssh.testing.SshKeygen;

import com.hazelcast.core.Hazelcast;

/**
 * A start that fails at any step releases everything started before it: no thread, no port, no Hazelcast member is
 * left behind, so a process that reports the failure and exits (or an embedding that retries) leaks nothing.
 */
class RelayStartTest {

    /**
     * Threads that are not the relay's to stop: the JVM's and the JDK's own, started once for whoever asks first, and
     * vertx-hazelcast 5.1.5's subscription throttling thread, an idle daemon whose executor its cluster manager never
     * shuts down (one per clustered Vert.x that ever registered a consumer; nothing of ours can reach it).
     */
    private static final Pattern FOREIGN_THREADS = Pattern.compile(
            "ForkJoinPool\\.commonPool-worker-\\d+|process reaper|Attach Listener|Common-Cleaner|Signal Dispatcher"
                    + "|globalEventExecutor-.*|vertx-hazelcast-service-throttling-thread");

    @TempDir
    Path dir;

    /** A step failing on a node of a cluster, the case with the most to release. */
    @ParameterizedTest
    @EnumSource(Relay.Step.class)
    void aFailedStepOfAClusteredStartLeavesNothingBehind(Relay.Step failing) throws Exception {
        int sshPort = FreePorts.tcp();
        int metricsPort = FreePorts.tcp();
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        RuntimeException injected = new IllegalStateException("injected at " + failing);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Relay.start(config(sshPort, metricsPort,
                true), HostKeys.load(hostKey()), AuthorizedKeys.load(authorizedKeys()), step -> {
                    if (step == failing) {
                        throw injected;
                    }
                }));

        assertTrue(thrown == injected, thrown.toString());
        assertNothingLeft(before, sshPort, metricsPort);
    }

    @Test
    void aNodeAloneFailingAfterItsNodeStartedLeavesNothingBehind() throws Exception {
        int sshPort = FreePorts.tcp();
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        assertThrows(IllegalStateException.class, () -> Relay.start(config(sshPort, FreePorts.tcp(), false),
                HostKeys.load(hostKey()), AuthorizedKeys.load(authorizedKeys()), step -> {
                    if (step == Relay.Step.SSH_PORT) {
                        throw new IllegalStateException("injected");
                    }
                }));

        assertNothingLeft(before, sshPort);
    }

    /** Real failures after the cluster was joined: the SSH port, or the metrics port, is someone else's. */
    @ParameterizedTest
    @EnumSource(value = Relay.Step.class, names = {"SSH_PORT", "METRICS"})
    void aPortInUseAfterJoiningTheClusterLeavesNothingBehind(Relay.Step taken) throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int other = FreePorts.tcp();
            int sshPort = taken == Relay.Step.SSH_PORT ? holder.getLocalPort() : other;
            int metricsPort = taken == Relay.Step.METRICS ? holder.getLocalPort() : other;
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            StartupException refused = assertThrows(StartupException.class, () -> Relay.start(
                    config(sshPort, metricsPort, true), HostKeys.load(hostKey()), AuthorizedKeys.load(authorizedKeys())));

            String expected = taken == Relay.Step.SSH_PORT ? "cannot listen on 127.0.0.1 port " + sshPort
                    : "cannot serve metrics on 127.0.0.1 port " + metricsPort;
            assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
            assertNothingLeft(before, other);
        }
    }

    private RelayConfig config(int sshPort, int metricsPort, boolean clustered) throws Exception {
        return RelayConfig.builder().bind("127.0.0.1").port(sshPort).hostKey(hostKey())
                .authorizedKeys(authorizedKeys()).metrics(new MetricsConfig("127.0.0.1", metricsPort))
                .cluster(clustered ? new ClusterConfig(null, "nuttssh-start-" + UUID.randomUUID(), "127.0.0.1",
                        List.of("127.0.0.1"), null, null, ClusterSecurity.of(dir.resolve("cluster"), "node")) : null)
                .build();
    }

    private static void assertNothingLeft(Set<Thread> before, int... ports) {
        try {
            Await.until("every thread the start made to end", () -> newThreads(before).isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; still running: " + newThreads(before), e);
        }
        assertTrue(Hazelcast.getAllHazelcastInstances().isEmpty(), "a Hazelcast member is still running");
        for (int port : ports) {
            assertTrue(FreePorts.isFree(port), "port " + port + " is still bound");
        }
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> !FOREIGN_THREADS.matcher(name).matches())
                .collect(Collectors.toSet());
    }

    private Path hostKey() throws Exception {
        return new SshKeygen(dir).key("ssh_host_key");
    }

    private Path authorizedKeys() throws IOException {
        Path file = dir.resolve("authorized_keys");
        if (!Files.exists(file)) {
            Files.writeString(file, "# nobody yet\n");
        }
        return file;
    }
}
