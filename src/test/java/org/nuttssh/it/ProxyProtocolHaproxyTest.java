package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.config.Limit;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.metrics.RelayStatistics;
import org.nuttssh.proxy.ProxyProtocolAcceptor;
import org.nuttssh.testing.FreePorts;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.proxy.ProxyProtocolAcceptor;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The relay with {@code --proxy-protocol} behind a real HAProxy. The ssh client binds to 127.0.0.3, so the PROXY
 * header names 127.0.0.3 while the relay's TCP peer is HAProxy on 127.0.0.1: {@code from=} and a certificate's
 * {@code source-address} must follow the header.
 */
class ProxyProtocolHaproxyTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    /** A loopback address other than HAProxy's own, so the header and the TCP peer differ. */
    private static final String CLIENT_ADDRESS = "127.0.0.3";
    /** Where HAProxy's connections to the relay come from: the one trusted proxy. */
    private static final String PROXY_ADDRESS = "127.0.0.1";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    private final Logger acceptorLog = (Logger) LoggerFactory.getLogger(ProxyProtocolAcceptor.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level previousLevel;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY) || System.getenv("CI") != null, "haproxy is not installed");
        previousLevel = acceptorLog.getLevel();
        acceptorLog.setLevel(Level.DEBUG);
        logs.start();
        acceptorLog.addAppender(logs);
        relay.configure(config -> config.proxyProtocol(true).proxyProtocolFrom(List.of(PROXY_ADDRESS))
                .perSourcePenalties(PerSourcePenalties.parse(PenaltiesTest.PENALTIES, List.of())));
        relay.start(
                "access=\"initiate\",from=\"" + CLIENT_ADDRESS + "\" {behind}",
                "access=\"initiate\",from=\"127.0.0.1\" {proxyhost}",
                "cert-authority,access=\"initiate\" {fleetca}",
                "access=\"initiate\" {anyone}");
    }

    @AfterEach
    void stop() throws Exception {
        acceptorLog.detachAppender(logs);
        acceptorLog.setLevel(previousLevel);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"send-proxy-v2", "send-proxy"})
    void fromMatchesTheAddressInTheHeaderNotTheProxy(String sendProxy) throws Exception {
        int haproxy = startHaproxy(sendProxy);

        SshProcess behind = relay.run(viaClientAddress(haproxy, "behind", "list"));
        assertEquals(0, behind.process().exitValue(), behind.stderr());

        SshProcess proxyhost = relay.run(viaClientAddress(haproxy, "proxyhost", "list"));
        assertEquals(255, proxyhost.process().exitValue(), proxyhost.stderr());
        assertTrue(proxyhost.stderr().contains("Permission denied (publickey)"), proxyhost.stderr());

        String version = sendProxy.endsWith("v2") ? "v2" : "v1";
        Pattern header = Pattern.compile("DEBUG 127\\.0\\.0\\.1:\\d+: PROXY " + version
                + " from 127\\.0\\.0\\.3:\\d+ to 127\\.0\\.0\\.1:" + haproxy + ", \\d+ bytes");
        assertTrue(lines().stream().anyMatch(l -> header.matcher(l).matches()), "acceptor log: " + lines());
    }

    @Test
    void aCertificatesSourceAddressMatchesTheHeaderNotTheProxy() throws Exception {
        int haproxy = startHaproxy("send-proxy-v2");
        relay.certify("inside", relay.key("fleetca"), "-n", "inside", "-O", "source-address=" + CLIENT_ADDRESS);
        relay.certify("proxied", relay.key("fleetca"), "-n", "proxied", "-O", "source-address=" + PROXY_ADDRESS);

        SshProcess inside = relay.run(viaClientAddress(haproxy, "inside", "whoami"));
        assertEquals(0, inside.process().exitValue(), inside.stderr());
        assertTrue(inside.stdout().contains("certificate: id \"inside\""), inside.stdout());

        // MINA's own check would let this one in: the relay's TCP peer is HAProxy at 127.0.0.1.
        SshProcess proxied = relay.run(viaClientAddress(haproxy, "proxied", "whoami"));
        assertEquals(255, proxied.process().exitValue(), proxied.stderr());
        assertEquals(1, relay.server().statistics().certificateRefusals().get(CertificateRefusal.SOURCE_ADDRESS));
    }

    @Test
    void directConnectionsAreDroppedAndTheRelayKeepsServing() throws Exception {
        int haproxy = startHaproxy("send-proxy-v2");

        // From 127.0.0.3 this key would be let in, were the TCP peer trusted.
        SshProcess stranger = relay.run(viaClientAddress(relay.port(), "behind", "list"));
        assertEquals(255, stranger.process().exitValue(), stranger.stderr());
        assertFalse(stranger.stderr().contains("Permission denied"), "dropped before authentication: "
                + stranger.stderr());
        Pattern untrusted = Pattern.compile("INFO dropping 127\\.0\\.0\\.3:\\d+: not a trusted proxy "
                + "\\(proxy-protocol-from 127\\.0\\.0\\.1\\); clients must come through the load balancer");
        RelayFixture.await("the drop to be logged",
                () -> lines().stream().anyMatch(l -> untrusted.matcher(l).matches()));

        // From the proxy's own address, but without the header the proxy would have sent.
        SshProcess bypass = relay.run(relay.ssh("-b", PROXY_ADDRESS, "-p", String.valueOf(relay.port()),
                "-i", relay.key("proxyhost").toString(), "-l", "proxyhost", "127.0.0.1", "list"));
        assertEquals(255, bypass.process().exitValue(), bypass.stderr());
        Pattern noHeader = Pattern.compile(
                "INFO dropping 127\\.0\\.0\\.1:\\d+: no PROXY header \\(got 'SSH-2\\.0-Op\\.\\.\\.'\\)");
        RelayFixture.await("the drop to be logged",
                () -> lines().stream().anyMatch(l -> noHeader.matcher(l).matches()));

        SshProcess after = relay.run(viaClientAddress(haproxy, "behind", "list"));
        assertEquals(0, after.process().exitValue(), "still serving: " + after.stderr());
        // Dropped when accepted, before the relay's own counts saw them: they must not stay in those counts, where
        // enough of them would make max-connections and max-startups refuse everyone.
        RelayFixture.await("the dropped connections to leave the counts", () -> stats().connectionsOpen() == 0
                && stats().connectionsUnauthenticated() == 0);
    }

    private RelayStatistics stats() {
        return relay.server().statistics();
    }

    @Test
    void penaltiesFallOnTheClientTheHeaderNamesNeverOnTheProxy() throws Exception {
        int haproxy = startHaproxy("send-proxy-v2");

        SshProcess refused = PenaltiesTest.failUntilRefused(relay, viaClientAddress(haproxy, "stranger", "list"));

        // HAProxy has sent the relay's version line on by the time the header is read: ssh sees the close after it.
        assertEquals(255, refused.process().exitValue(), refused.stderr());
        assertFalse(refused.stderr().contains("Permission denied"), refused.stderr());
        assertEquals(1, relay.server().statistics().limitRefusals().get(Limit.PER_SOURCE_PENALTIES));
        SshProcess otherClient = relay.run(via("127.0.0.4", haproxy, "anyone", "list"));
        assertEquals(0, otherClient.process().exitValue(), "the proxy is not penalised: " + otherClient.stderr());
    }

    /** {@code ssh ... list} to {@code port} on 127.0.0.1 with the role's key, from {@link #CLIENT_ADDRESS}. */
    private List<String> viaClientAddress(int port, String role, String command) throws Exception {
        return via(CLIENT_ADDRESS, port, role, command);
    }

    private List<String> via(String from, int port, String role, String command) throws Exception {
        return relay.ssh("-b", from, "-p", String.valueOf(port), "-i", relay.key(role).toString(),
                "-l", role, "127.0.0.1", command);
    }

    /** HAProxy in the foreground, relaying 127.0.0.1:PORT to the relay with {@code sendProxy}; returns PORT. */
    private int startHaproxy(String sendProxy) throws Exception {
        int port = FreePorts.tcp();
        Path config = relay.dir().resolve("haproxy-" + sendProxy + ".cfg");
        Files.writeString(config, String.join("\n",
                "global",
                "    maxconn 64",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 30s",
                "    timeout server 30s",
                "listen relay",
                "    bind 127.0.0.1:" + port,
                "    server relay 127.0.0.1:" + relay.port() + " " + sendProxy,
                ""), StandardCharsets.UTF_8);
        SshProcess haproxy = relay.start(List.of(HAPROXY.toString(), "-db", "-q", "-f", config.toString()));
        RelayFixture.await("haproxy on port " + port, () -> CircuitsTest.canConnect(port) || !haproxy.isAlive());
        if (!haproxy.isAlive()) {
            throw new AssertionError("haproxy did not start: " + haproxy.stderr());
        }
        return port;
    }

    private List<String> lines() {
        synchronized (logs.list) {
            return logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }
}
