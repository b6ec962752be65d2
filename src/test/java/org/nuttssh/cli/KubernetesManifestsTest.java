package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.RelayConfig;
import org.yaml.snakeyaml.Yaml;

import picocli.CommandLine;

/**
 * deploy/kubernetes as {@code kubectl kustomize} renders it, checked offline: nothing here is applied to a cluster.
 * The relay container's arguments and environment are parsed by the relay's own command line, so the manifests
 * cannot name a setting that does not exist or a value it would refuse; the rest holds the manifests to what the
 * relay needs (grace, memory, probes, the files it reads) and to the README's hardening.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {

    private static final Path BASE = Path.of("deploy", "kubernetes");
    /** The fleet one node is sized to drain within the pod's grace: the measured scene of docs/performance.md. */
    private static final int DEVICES_PER_NODE = 3000;
    /** What the JVM and Hazelcast need beyond max-memory (README, "Memory"). */
    private static final long JVM_OVERHEAD = 150L << 20;
    /** deploy/kubernetes/README.md's Secrets: every pod's certificate and key, and what all pods share. */
    private static final String NODE_SECRET = "nuttssh-nodes";
    private static final String CLUSTER_SECRET = "nuttssh-cluster";

    private final Map<String, Map<String, Object>> objects = new HashMap<>();
    private Map<String, Object> pod;
    private Map<String, Object> relay;
    private RelayConfig config;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void render() throws Exception {
        for (Object document : new Yaml().loadAll(kustomize())) {
            Map<String, Object> object = (Map<String, Object>) document;
            objects.put(object.get("kind") + "/" + at(object, "metadata", "name"), object);
        }
        pod = map(at(object("StatefulSet/nuttssh"), "spec", "template", "spec"));
        relay = container(pod, "containers", "relay");
        Map<String, String> environment = new HashMap<>();
        for (Object variable : list(relay.get("env"))) {
            environment.put((String) map(variable).get("name"), (String) map(variable).get("value"));
        }
        CommandLine commandLine = NuttsshCommand.commandLine(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), environment);
        commandLine.parseArgs(list(relay.get("args")).toArray(String[]::new));
        NuttsshCommand main = commandLine.getCommand();
        assertEquals(List.of(), main.unknownVariables(), "NUTTSSH_ variables that are no setting");
        config = main.relayConfig();
    }

    @Test
    void nodesFindEachOtherThroughTheHeadlessServiceReadyOrNot() {
        Map<String, Object> set = object("StatefulSet/nuttssh");
        String headless = (String) at(set, "spec", "serviceName");
        Map<String, Object> service = object("Service/" + headless);
        assertEquals("None", at(service, "spec", "clusterIP"));
        assertEquals(true, at(service, "spec", "publishNotReadyAddresses"), "a node is ready only once it is a member");
        assertNotNull(config.cluster(), "the relay runs as a cluster node");
        assertEquals(headless, config.cluster().dns());
        assertTrue(config.cluster().security() instanceof ClusterConfig.Secure, "mutual TLS and sealed records");
    }

    @Test
    void readinessIsTheRelaysOwnAndTheGraceOutlastsShutdownGrace() {
        assertNotNull(config.metrics(), "the metrics port serves the probes");
        assertEquals("0.0.0.0", config.metrics().bind(), "the kubelet probes the pod's address");
        Map<String, Object> readiness = map(at(relay, "readinessProbe", "httpGet"));
        assertEquals("/health/ready", readiness.get("path"));
        assertEquals(config.metrics().port(), containerPort(readiness.get("port")));
        assertEquals("/health/live", at(relay, "livenessProbe", "httpGet", "path"));
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(grace > config.shutdownGrace().toSeconds(), grace + " s against shutdown-grace "
                + config.shutdownGrace());
    }

    @Test
    void memoryIsMaxMemoryPlusTheJvmsOwn() {
        for (String kind : List.of("requests", "limits")) {
            long bytes = quantity((String) at(relay, "resources", kind, "memory"));
            assertTrue(bytes >= config.limits().maxMemory() + JVM_OVERHEAD, kind + ": " + bytes);
        }
    }

    @Test
    void nothingRunsAsRootOrWritesOutsideItsScratchVolumes() {
        Map<String, Object> security = map(pod.get("securityContext"));
        assertEquals(true, security.get("runAsNonRoot"));
        assertTrue(((Number) security.get("runAsUser")).intValue() > 0);
        List<Map<String, Object>> all = new ArrayList<>();
        for (String kind : List.of("initContainers", "containers")) {
            list(pod.get(kind)).forEach(c -> all.add(map(c)));
        }
        for (Map<String, Object> container : all) {
            String name = String.valueOf(container.get("name"));
            assertEquals(true, at(container, "securityContext", "readOnlyRootFilesystem"), name);
            assertEquals(false, at(container, "securityContext", "allowPrivilegeEscalation"), name);
            assertEquals(List.of("ALL"), at(container, "securityContext", "capabilities", "drop"));
        }
        assertTrue(volume(mountOf(relay, Path.of("/tmp/any")).get("name")).containsKey("emptyDir"),
                "the JVM's /tmp is an emptyDir");
    }

    @Test
    void everyFileTheRelayReadsIsMountedAndPrivateOnesAreCopiedOwnerOnly() {
        ClusterConfig.Secure secure = (ClusterConfig.Secure) config.cluster().security();
        Map<String, Object> init = container(pod, "initContainers", "private-files");
        String copy = String.join(" ", list(init.get("command")));
        for (Path file : List.of(config.hostKey(), secure.tls().cert(), secure.tls().key(), secure.secret())) {
            // Secret volumes are group-readable under fsGroup; the relay refuses such a key, so it reads a copy.
            Map<String, Object> mount = mountOf(relay, file);
            assertTrue(volume(mount.get("name")).containsKey("emptyDir"), file + " is read from the private copy");
            assertTrue(copy.contains(file.getFileName().toString()), file + " is copied: " + copy);
        }
        assertTrue(copy.contains("chmod 0400"), copy);
        for (Path file : List.of(config.authorizedKeys(), secure.tls().ca())) {
            assertTrue(!secretsOf(volume(mountOf(relay, file).get("name"))).isEmpty(), file + " from a Secret");
        }
    }

    /**
     * The init container's own command, run here with this machine's shell for two pods of the StatefulSet, its
     * mounts made directories of fake Secret files: each pod's relay gets the certificate and key made for its
     * name, and a pod without them does not start. The relay container mounts no Secret that holds node keys, and
     * every Secret that reaches it is limited to keys named, none of them the CA's.
     */
    @Test
    void eachPodPresentsTheCertificateOfItsOwnNameAndNoPodMountsTheCasKey(@TempDir Path root) throws Exception {
        ClusterConfig.Secure secure = (ClusterConfig.Secure) config.cluster().security();
        Map<String, Object> init = container(pod, "initContainers", "private-files");
        Map<String, Object> podName = map(list(init.get("env")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> "POD_NAME".equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("private-files is not told its pod's name (POD_NAME)")));
        assertEquals("metadata.name", at(podName, "valueFrom", "fieldRef", "fieldPath"));
        int replicas = ((Number) at(object("StatefulSet/nuttssh"), "spec", "replicas")).intValue();
        String set = (String) at(object("StatefulSet/nuttssh"), "metadata", "name");
        for (int ordinal : List.of(0, replicas - 1)) {
            Path mounts = root.resolve("pod-" + ordinal);
            fakeSecrets(init, mounts, replicas, set);
            Process copy = runInit(init, mounts, set + "-" + ordinal);
            assertEquals(0, copy.exitValue(), new String(copy.getInputStream().readAllBytes()));
            Path privateDir = mounts.resolve(mountOf(relay, secure.tls().cert()).get("mountPath").toString()
                    .substring(1));
            assertEquals(set + "-" + ordinal + ".crt",
                    Files.readString(privateDir.resolve(secure.tls().cert().getFileName())), "the pod's own certificate");
            assertEquals(set + "-" + ordinal + ".key",
                    Files.readString(privateDir.resolve(secure.tls().key().getFileName())), "the pod's own key");
            assertEquals("r--------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(privateDir.resolve(secure.tls().key().getFileName()))));
        }
        Path mounts = root.resolve("pod-" + replicas);
        fakeSecrets(init, mounts, replicas, set);
        Process beyond = runInit(init, mounts, set + "-" + replicas);
        assertTrue(beyond.exitValue() != 0, "a pod without a certificate of its own does not start");
        assertTrue(new String(beyond.getInputStream().readAllBytes()).contains("no " + set + "-" + replicas
                + ".crt in Secret nuttssh-nodes"));

        for (Object mount : list(relay.get("volumeMounts"))) {
            for (Map<String, Object> secret : secretsOf(volume(map(mount).get("name")))) {
                assertTrue(!NODE_SECRET.equals(secretName(secret)), "the relay mounts no other pod's key");
            }
        }
        for (Object each : list(pod.get("volumes"))) {
            for (Map<String, Object> secret : secretsOf(map(each))) {
                if (CLUSTER_SECRET.equals(secretName(secret))) {
                    assertTrue(secret.containsKey("items"), "only keys named, never ca.key: " + each);
                    for (Object item : list(secret.get("items"))) {
                        assertTrue(!"ca.key".equals(map(item).get("key")), "ca.key mounted: " + each);
                    }
                }
            }
        }
    }

    @Test
    void clientsReachSshOnlyAndOnlyRelayPodsReachTheClusterPorts() {
        Map<String, Object> ssh = object("Service/nuttssh");
        assertEquals("LoadBalancer", at(ssh, "spec", "type"));
        assertEquals("Local", at(ssh, "spec", "externalTrafficPolicy"), "client addresses kept for from=");
        assertEquals(config.port(), containerPort(map(list(at(ssh, "spec", "ports")).get(0)).get("targetPort")));
        assertEquals(false, config.proxyProtocol(), "no PROXY header unless an overlay turns both sides on");

        Map<String, Object> policy = object("NetworkPolicy/nuttssh");
        Map<String, Object> relayPods = map(at(policy, "spec", "podSelector", "matchLabels"));
        for (Object rule : list(at(policy, "spec", "ingress"))) {
            Map<String, Object> ingress = map(rule);
            if (ingress.get("from") == null) {
                assertEquals(List.of(config.port()), list(ingress.get("ports")).stream()
                        .map(p -> map(p).get("port")).toList(), "only SSH is open to everyone");
            } else {
                for (Object peer : list(ingress.get("from"))) {
                    assertEquals(relayPods, at(map(peer), "podSelector", "matchLabels"), "only relay pods");
                }
            }
        }
    }

    @Test
    void everySelectorPicksTheRelayPods() {
        Map<String, Object> labels = map(at(object("StatefulSet/nuttssh"), "spec", "template", "metadata", "labels"));
        List<Map<String, Object>> selectors = List.of(
                map(at(object("StatefulSet/nuttssh"), "spec", "selector", "matchLabels")),
                map(at(object("Service/nuttssh"), "spec", "selector")),
                map(at(object("Service/nuttssh-cluster"), "spec", "selector")),
                map(at(object("PodDisruptionBudget/nuttssh"), "spec", "selector", "matchLabels")),
                map(at(object("NetworkPolicy/nuttssh"), "spec", "podSelector", "matchLabels")));
        for (Map<String, Object> selector : selectors) {
            assertTrue(labels.entrySet().containsAll(selector.entrySet()), selector + " against " + labels);
        }
        assertEquals(1, at(object("PodDisruptionBudget/nuttssh"), "spec", "maxUnavailable"));
    }

    @Test
    void podsAreReplacedOneAtATimeEachGivenItsPacedDrainAndGrace() {
        Map<String, Object> set = object("StatefulSet/nuttssh");
        assertEquals("RollingUpdate", at(set, "spec", "updateStrategy", "type"));
        assertEquals(1, at(set, "spec", "updateStrategy", "rollingUpdate", "maxUnavailable"));
        assertTrue(((Number) at(set, "spec", "minReadySeconds")).intValue() > 0,
                "a new pod serves a while before the next one is drained");
        List<String> preStop = list(at(relay, "lifecycle", "preStop", "exec", "command"));
        assertEquals("sleep", preStop.get(0), "the load balancer drops the pod before the relay closes its port");
        long sleep = Long.parseLong(preStop.get(1));
        assertTrue(config.drainRate() > 0, "a paced drain");
        long drain = (DEVICES_PER_NODE + config.drainRate() - 1) / config.drainRate();
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(grace > sleep + drain + config.shutdownGrace().toSeconds(), grace + " s against preStop " + sleep
                + " s, " + DEVICES_PER_NODE + " devices at drain-rate " + config.drainRate() + " and shutdown-grace "
                + config.shutdownGrace());
    }

    /**
     * Fake files for each Secret the init container mounts, under {@code mounts} + its mount path: every key that
     * deploy/kubernetes/README.md's commands put there, each holding its own name.
     */
    private void fakeSecrets(Map<String, Object> init, Path mounts, int replicas, String set) throws IOException {
        for (Object each : list(init.get("volumeMounts"))) {
            Map<String, Object> mount = map(each);
            Path dir = mounts.resolve(((String) mount.get("mountPath")).substring(1));
            Files.createDirectories(dir);
            List<String> keys = new ArrayList<>();
            for (Map<String, Object> secret : secretsOf(volume(mount.get("name")))) {
                if (secret.containsKey("items")) {
                    list(secret.get("items")).forEach(item -> keys.add((String) map(item).get("path")));
                } else if (NODE_SECRET.equals(secretName(secret))) {
                    for (int ordinal = 0; ordinal < replicas; ordinal++) {
                        keys.addAll(List.of(set + "-" + ordinal + ".crt", set + "-" + ordinal + ".key"));
                    }
                } else {
                    keys.addAll(List.of("ssh_host_key", "authorized_keys"));
                }
            }
            for (String key : keys) {
                Files.writeString(dir.resolve(key), key);
            }
        }
    }

    /** The init container's command for pod {@code podName}, its mount paths moved under {@code mounts}. */
    private static Process runInit(Map<String, Object> init, Path mounts, String podName)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(list(init.get("command")));
        String script = command.get(command.size() - 1);
        for (Object each : list(init.get("volumeMounts"))) {
            String path = (String) map(each).get("mountPath");
            script = script.replace(path + "/", mounts + path + "/");
        }
        command.set(command.size() - 1, script);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("POD_NAME", podName);
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the init command ends");
        return process;
    }

    /** A secret volume names its Secret secretName, a projected volume's secret source name. */
    private static String secretName(Map<String, Object> secret) {
        return (String) secret.getOrDefault("secretName", secret.get("name"));
    }

    /** The Secrets a volume takes its files from: a secret volume's, or a projected volume's secret sources. */
    private static List<Map<String, Object>> secretsOf(Map<String, Object> volume) {
        if (volume.containsKey("secret")) {
            return List.of(map(volume.get("secret")));
        }
        if (volume.containsKey("projected")) {
            return list(at(volume, "projected", "sources")).stream().map(KubernetesManifestsTest::map)
                    .filter(source -> source.containsKey("secret")).map(source -> map(source.get("secret")))
                    .toList();
        }
        return List.of();
    }

    // --- the rendered objects -------------------------------------------------------------------------------------

    private static String kustomize() throws IOException, InterruptedException {
        Path output = File.createTempFile("kustomize", ".yaml").toPath();
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", BASE.toString()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("kubectl kustomize did not finish within 60 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), "kubectl kustomize " + BASE + ":\n" + text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private Map<String, Object> object(String kindAndName) {
        Map<String, Object> object = objects.get(kindAndName);
        assertNotNull(object, kindAndName + " among " + objects.keySet());
        return object;
    }

    private static Map<String, Object> container(Map<String, Object> pod, String kind, String name) {
        return list(pod.get(kind)).stream().map(KubernetesManifestsTest::map)
                .filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    /** A container port given by number or by name. */
    private int containerPort(Object port) {
        if (port instanceof Number number) {
            return number.intValue();
        }
        return list(relay.get("ports")).stream().map(KubernetesManifestsTest::map)
                .filter(p -> port.equals(p.get("name"))).map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError("no port named " + port));
    }

    /** The relay container's mount that holds {@code file}. */
    private static Map<String, Object> mountOf(Map<String, Object> container, Path file) {
        return list(container.get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .filter(m -> file.startsWith(Path.of((String) m.get("mountPath")))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted where " + file + " is"));
    }

    private Map<String, Object> volume(Object name) {
        return list(pod.get("volumes")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** Kubernetes memory quantities as the manifests write them: Ki, Mi, Gi. */
    private static long quantity(String text) {
        Map<String, Integer> shifts = Map.of("Ki", 10, "Mi", 20, "Gi", 30);
        String unit = text.substring(text.length() - 2);
        assertTrue(shifts.containsKey(unit), "memory in Ki, Mi or Gi: " + text);
        return Long.parseLong(text.substring(0, text.length() - 2)) << shifts.get(unit);
    }

    private static Object at(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            assertTrue(value instanceof Map, "no " + key + " in " + value);
            value = map(value).get(key);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }
}
