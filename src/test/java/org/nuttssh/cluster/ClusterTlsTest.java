package org.nuttssh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.circuit.Circuit;
import org.nuttssh.cluster.membership.HazelcastSettings;
import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.StartupException;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Await;
import org.nuttssh.testing.ClusterSecurity;
import org.nuttssh.testing.FakeListener;
import org.nuttssh.testing.RecordingEnd;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

/**
 * Event-bus TLS between real nodes, each check shown to matter: one cluster holds a strict node, a node with a
 * revoked certificate (which has not been given the revocation list), a rogue with a certificate from another CA
 * (and the cluster's secret, so that only TLS and the proof of identity keep it out; it trusts the cluster's CA as
 * well as its own, so that every refusal below is the real node's), and three real nodes each weakened by one
 * setting: one trusts the rogue's CA too, one asks for a client certificate without requiring it, one was not given
 * the revocation list. Each check the strict node passes, a weakened one fails. (Trust-all itself could not weaken a
 * node: the clustered event bus of Vert.x 5 checked the server's certificate all the same, against the JDK's CAs when
 * given no others, as this test showed while it was written.) Every node here routes its event bus to every member,
 * as vertx-hazelcast does: routing to proven nodes only (ClusterStrangerTest) would keep the rogue and the revoked
 * node out before TLS is asked, and hide the checks this test shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTlsTest {

    /** Long enough for a TLS handshake on a loaded machine; a refused one fails sooner. */
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private static final String ADDRESS = "tls-test.";

    private Path dir;
    private final List<TestNode> nodes = new ArrayList<>();
    private TestNode strict;
    private TestNode trustsMore;
    private TestNode noRevocations;
    private TestNode optionalAuth;
    private TestNode rogue;
    private TestNode revoked;
    private Path ca;
    private final String clusterName = "nuttssh-tls-" + UUID.randomUUID();

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        ca = dir.resolve("cluster-ca");
        String name = clusterName;
        ClusterConfig.Secure revokedFiles = ClusterSecurity.of(ca, "node-revoked");
        new ClusterCertificates(ca, line -> { }).revoke(List.of("node-revoked"));
        // The revoked node has what it had before: no revocation list beside its CA certificate.
        Path stale = Files.createDirectories(dir.resolve("stale"));
        Files.copy(ca.resolve(ClusterCertificates.CA_CERT), stale.resolve(ClusterCertificates.CA_CERT));

        strict = start(name, ClusterSecurity.of(ca, "node-a"), UnaryOperator.identity());
        ClusterConfig.Secure rogueFiles = ClusterSecurity.of(dir.resolve("rogue-ca"), "rogue");
        UnaryOperator<EventBusOptions> bothCas = options -> options.setTrustOptions(new PemTrustOptions()
                .addCertPath(rogueFiles.tls().ca().toString())
                .addCertPath(ca.resolve(ClusterCertificates.CA_CERT).toString()));
        trustsMore = start(name, ClusterSecurity.of(ca, "node-trusts-more"), bothCas);
        noRevocations = start(name, ClusterSecurity.of(ca, "node-no-crl"), options -> {
            options.getCrlPaths().clear();
            return options;
        });
        optionalAuth = start(name, ClusterSecurity.of(ca, "node-optional"),
                options -> options.setClientAuth(ClientAuth.REQUEST));
        rogue = start(name, new ClusterConfig.Secure(rogueFiles.tls(), revokedFiles.secret()), bothCas);
        revoked = start(name, new ClusterConfig.Secure(new ClusterConfig.ClusterTls(revokedFiles.tls().cert(),
                revokedFiles.tls().key(), stale.resolve(ClusterCertificates.CA_CERT)), revokedFiles.secret()),
                UnaryOperator.identity());
        for (TestNode node : nodes) {
            node.node().vertx().eventBus().<String>consumer(ADDRESS + node.node().id(), m -> m.reply("hello"))
                    .completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void aRogueNodeAndARealNodeRefuseEachOther() {
        assertTrue(talks(strict, optionalAuth) && talks(optionalAuth, strict), "two real nodes talk");

        assertFalse(talks(rogue, strict), "the real node refuses the rogue's certificate as a client's");
        assertFalse(talks(strict, rogue), "the real node refuses the rogue's certificate as a server's");

        assertTrue(talks(trustsMore, rogue) && talks(rogue, trustsMore),
                "a node that trusts the rogue's CA too takes it for a server and a client");
    }

    @Test
    void aRevokedNodeIsRefused() {
        assertFalse(talks(revoked, strict), "refused as a client");
        assertFalse(talks(strict, revoked), "refused as a server");

        assertTrue(talks(revoked, noRevocations) && talks(noRevocations, revoked),
                "a node without the revocation list takes it for a client and a server");
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        assertFalse(acceptsWithoutCertificate(strict.eventBusAddress()));

        assertTrue(acceptsWithoutCertificate(optionalAuth.eventBusAddress()), "optional client authentication");
    }

    /**
     * {@code cluster-certs --revoke} on a running cluster: the nodes read the revocation list again by themselves, and
     * the revoked node is no node any more: its clients are forgotten, and its circuit opens are refused.
     */
    @Test
    void aNodeRevokedWhileRunningIsNoNodeWithinTenSeconds() throws Exception {
        // Its copy of the CA has no revocation list beside it: it is not told, the others find out by themselves.
        ClusterConfig.Secure files = ClusterSecurity.of(ca, "node-doomed");
        Path own = Files.createDirectories(dir.resolve("doomed-ca"));
        Files.copy(ca.resolve(ClusterCertificates.CA_CERT), own.resolve(ClusterCertificates.CA_CERT));
        TestNode doomed = start(clusterName, new ClusterConfig.Secure(new ClusterConfig.ClusterTls(files.tls().cert(),
                files.tls().key(), own.resolve(ClusterCertificates.CA_CERT)), files.secret()), UnaryOperator.identity());
        doomed.switchboard().publish(doomed.record("gw-doomed", "doomed", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        strict.switchboard().publish(strict.record("gw-for-doomed", "for-doomed", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        Await.until("each node's client on the other", () -> strict.resolve("doomed", 0).isPresent()
                && doomed.resolve("for-doomed", 0).isPresent());
        openFrom(doomed, "for-doomed").get(30, TimeUnit.SECONDS).initiatorReady();

        new ClusterCertificates(ca, line -> { }).revoke(List.of("node-doomed"));

        Await.until("the doomed node no node on the strict node, its client gone", Duration.ofSeconds(10),
                () -> !strict.node().view().members().contains(doomed.node().id())
                        && strict.resolve("doomed", 0).isEmpty());
        Throwable refused = openFrom(doomed, "for-doomed").handle((circuit, failure) -> failure)
                .get(30, TimeUnit.SECONDS);
        assertTrue(refused != null && refused.getMessage().contains("node " + doomed.node().id().shortId()
                + " is not a member"), "refused by the strict node: " + refused);
    }

    private static CompletableFuture<Circuit> openFrom(TestNode node, String name) {
        return node.switchboard().connect(new RecordingEnd("initiator", false), RecordingEnd.WHO, name, 22,
                "127.0.0.1", 1).toCompletableFuture();
    }

    @Test
    void onlyNodesThatProveTheirIdentityWithAValidCertificateCount() throws Exception {
        Set<NodeId> real = Set.of(strict.node().id(), trustsMore.node().id(), optionalAuth.node().id(),
                noRevocations.node().id());
        rogue.switchboard().publish(rogue.record("gw-rogue", "rogue", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        revoked.switchboard().publish(revoked.record("gw-revoked", "revoked", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        optionalAuth.switchboard().publish(optionalAuth.record("gw-real", "real", 22), FakeListener.accepting())
                .toCompletableFuture().join();

        Await.until("the real node's client on the strict node", () -> strict.resolve("real", 0).isPresent());
        List<NodeId> members = strict.node().view().members();
        assertTrue(members.containsAll(real) && !members.contains(rogue.node().id())
                && !members.contains(revoked.node().id()), "whoami's member list: " + members);
        Await.holds("neither the rogue's nor the revoked node's client listed", Duration.ofMillis(500),
                () -> strict.resolve("rogue", 0).isEmpty() && strict.resolve("revoked", 0).isEmpty());
    }

    /**
     * A node with a valid certificate passes TLS whoever it claims to be; a circuit open must also be signed with the
     * certificate of the node it names.
     */
    @Test
    void aCircuitOpenInAnotherNodesNameIsRefused() throws Exception {
        FakeListener listener = FakeListener.accepting();
        strict.switchboard().publish(strict.record("gw-signed", "signed", 22), listener).toCompletableFuture().join();
        Await.until("the client on the other node", () -> optionalAuth.resolve("signed", 0).isPresent());
        RecordingEnd initiator = new RecordingEnd("initiator", false);
        Circuit circuit = optionalAuth.switchboard().connect(initiator, RecordingEnd.WHO, "signed", 22, "127.0.0.1", 1)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        circuit.initiatorReady();
        initiator.send("signed open");
        Await.until("the bytes on the listener's node", () -> listener.lastTarget().received().equals("signed open"));
        RecordingEnd signedTarget = listener.lastTarget();

        JsonObject forged = new JsonObject().put("circuit", UUID.randomUUID().toString())
                .put("node", noRevocations.node().id().value()).put("listener", "gw-signed").put("port", 22)
                .put("originHost", "127.0.0.1").put("originPort", 1).put("initiator", "mallory")
                .put("signature", "bm90IGEgc2lnbmF0dXJl");
        Throwable refused = optionalAuth.node().vertx().eventBus()
                .request("nuttssh.node." + strict.node().id() + ".open", forged,
                        new DeliveryOptions().setSendTimeout(ANSWER.toMillis()))
                .toCompletionStage().toCompletableFuture().handle((reply, failure) -> failure)
                .get(ANSWER.toSeconds() + 5, TimeUnit.SECONDS);

        assertTrue(refused instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
                && reply.getMessage().contains("not signed by node " + noRevocations.node().id().shortId()),
                String.valueOf(refused));
        assertSame(signedTarget, listener.lastTarget(), "the listening client was not asked again");
    }

    /** The open-source edition lets anyone join, and a member may carry any attributes; only proofs count. */
    @Test
    void aBareMemberClaimingADepartedNodesIdDoesNotKeepItsNames() throws Exception {
        TestNode leaver = start(clusterName, ClusterSecurity.of(ca, "node-leaver"), UnaryOperator.identity());
        leaver.switchboard().publish(leaver.record("gw-leaver", "leaver", 22), FakeListener.accepting())
                .toCompletableFuture().join();
        Await.until("the leaver's client on the strict node", () -> strict.resolve("leaver", 0).isPresent());
        HazelcastInstance impostor = bareMember(leaver.node().id());
        try {
            int members = strict.node().view().members().size();
            leaver.crash();

            Await.until("the leaver's client gone from the strict node", () -> strict.resolve("leaver", 0).isEmpty());
            assertFalse(strict.node().view().members().contains(leaver.node().id()));
            assertEquals(members - 1, strict.node().view().members().size(), "the impostor is not counted");
        } finally {
            impostor.getLifecycleService().terminate();
        }
    }

    /** A bare member runs an entry processor of its own class where a relay node owns the key. */
    @Test
    void aRelayNodeDeserialisesNoClassOutsideItsWhitelist() {
        HazelcastInstance stranger = bareMember(NodeId.random());
        try {
            UUID owner = stranger.getCluster().getMembers().stream()
                    .filter(m -> strict.node().id().equals(new NodeId(String.valueOf(
                            m.getAttribute(HazelcastSettings.NODE_ATTRIBUTE)))))
                    .findFirst().orElseThrow().getUuid();
            String key = Await.value("a key the strict node owns", Await.TIMEOUT, () -> {
                String candidate = UUID.randomUUID().toString();
                return stranger.getPartitionService().getPartition(candidate).getOwner().getUuid().equals(owner)
                        ? Optional.of(candidate) : Optional.empty();
            });

            IMap<String, byte[]> map = stranger.getMap("deserialisation-test");
            Exception refused = assertThrows(Exception.class, () -> map.executeOnKey(key, new Forbidden()));

            assertTrue(String.valueOf(refused.getMessage()).contains("Resolving class " + Forbidden.class.getName()
                    + " is not allowed"), refused.toString());
        } finally {
            stranger.getLifecycleService().terminate();
        }
    }

    /** Any class a stranger may write: one the relay does not know is as good as a gadget chain's first link. */
    static final class Forbidden implements EntryProcessor<String, byte[], Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            return true;
        }
    }

    private HazelcastInstance bareMember(NodeId claimed) {
        Config config = new Config().setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getMemberAttributeConfig().setAttribute(HazelcastSettings.NODE_ATTRIBUTE, claimed.value());
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return Hazelcast.newHazelcastInstance(config);
    }

    @Test
    void aNodeWithAnotherSecretNeitherReadsNorIsRead() throws Exception {
        Path otherSecret = dir.resolve("other.secret");
        Files.write(otherSecret, new byte[32]);
        Files.setPosixFilePermissions(otherSecret, PosixFilePermissions.fromString("rw-------"));
        TestNode a = strict;
        TestNode x = start(clusterName, new ClusterConfig.Secure(ClusterSecurity.of(ca, "node-x").tls(), otherSecret),
                UnaryOperator.identity());

        a.switchboard().publish(a.record("gw-a", "gw-a", 22), FakeListener.accepting()).toCompletableFuture().join();
        x.switchboard().publish(x.record("gw-x", "gw-x", 22), FakeListener.accepting()).toCompletableFuture().join();

        Await.until("each to count the other's record as unreadable",
                () -> a.node().view().unreadable() > 0 && x.node().view().unreadable() > 0);
        Await.holds("neither to list the other's client", Duration.ofMillis(500),
                () -> a.resolve("gw-x", 0).isEmpty() && x.resolve("gw-a", 0).isEmpty());
    }

    @Test
    void aNodeWhoseKeyOthersCanReadDoesNotStart() throws Exception {
        ClusterConfig.Secure files = ClusterSecurity.of(ca, "node-careless");
        Files.setPosixFilePermissions(files.tls().key(), PosixFilePermissions.fromString("rw-r--r--"));

        String message = assertThrows(StartupException.class, () -> TestNode.join(config("nuttssh-careless", files)))
                .getMessage();

        assertEquals("cluster TLS key " + files.tls().key() + " is accessible by other users (rw-r--r--); make it "
                + "private with: chmod 600 " + files.tls().key(), message);
    }

    /** Whether {@code from} gets an answer from {@code to} over the event bus, past the relay's own checks. */
    private static boolean talks(TestNode from, TestNode to) {
        try {
            from.node().vertx().eventBus().request(ADDRESS + to.node().id(), "hi",
                    new DeliveryOptions().setSendTimeout(ANSWER.toMillis()))
                    .toCompletionStage().toCompletableFuture().get(ANSWER.toSeconds() + 5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A TLS client that trusts the cluster's CA but has no certificate. With TLS 1.3 a server that insists on one
     * says so after the handshake, at the first read; one that does not waits for the client to speak.
     */
    private boolean acceptsWithoutCertificate(InetSocketAddress eventBus) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(ca.resolve(ClusterCertificates.CA_CERT))) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(eventBus.getHostString(),
                eventBus.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(2).toMillis());
            socket.startHandshake();
            return socket.getInputStream().read() != -1;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (SSLException e) {
            return false;
        } catch (IOException e) {
            return false; // reset by the server
        }
    }

    private TestNode start(String name, ClusterConfig.Secure security, UnaryOperator<EventBusOptions> eventBus)
            throws Exception {
        TestNode node = TestNode.join(config(name, security), eventBus);
        nodes.add(node);
        return node;
    }

    private static ClusterConfig config(String name, ClusterConfig.Secure security) {
        return new ClusterConfig(null, name, "127.0.0.1", List.of("127.0.0.1"), null, null, security);
    }
}
