package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.MetricsConfig;
import org.nuttssh.config.RelayVersion;

/** /metrics scraped over HTTP while stock OpenSSH clients use the relay, and the health endpoints. */
class MetricsTest {

    /** Large enough to take many SSH packets each way. */
    private static final int PAYLOAD = 200_000;

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.configure(c -> c.metrics(new MetricsConfig(MetricsConfig.DEFAULT_BIND, 0)));
        relay.start("access=\"listen\",alias=\"gw-backup\" {gw}", "access=\"initiate\" {alice}");
        relay.key("stranger");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void everyMeterIsExportedBeforeAnyTraffic() throws Exception {
        MetricsScrape scrape = MetricsScrape.of(relay.server().metricsPort());

        for (String sample : List.of("nuttssh_connections_open", "nuttssh_connections_total",
                "nuttssh_clients_authenticated", "nuttssh_clients_listening", "nuttssh_listeners",
                "nuttssh_circuits_open", "nuttssh_circuits_total", "nuttssh_auth_failures_total",
                "nuttssh_relayed_bytes_total{direction=\"up\"}", "nuttssh_relayed_bytes_total{direction=\"down\"}",
                "nuttssh_circuit_failures_total{reason=\"no_such_name\"}",
                "nuttssh_limit_refusals_total{limit=\"max-connections\"}", "nuttssh_registry_clients",
                "nuttssh_registry_local_names", "nuttssh_connections_unauthenticated", "nuttssh_limit_refusals_total{limit=\"max-startups\"}",
                "nuttssh_limit_refusals_total{limit=\"max-startups-per-source\"}",
                "nuttssh_limit_refusals_total{limit=\"max-sessions-per-connection\"}",
                "nuttssh_limit_refusals_total{limit=\"max-channels-per-connection\"}",
                "nuttssh_certificate_refusals_total{reason=\"untrusted-ca\"}",
                "nuttssh_certificate_refusals_total{reason=\"revoked\"}", "nuttssh_registry_names",
                "nuttssh_cluster_proofs_refused_total{reason=\"revoked\"}",
                "nuttssh_cluster_proofs_refused_total{reason=\"malformed\"}",
                "nuttssh_registry_upkeep_seconds_total", "nuttssh_registry_records_fetched_total")) {
            assertEquals(0.0, scrape.value(sample), sample);
        }
        assertEquals(1.0, scrape.value("nuttssh_cluster_members"));
        assertTrue(scrape.samples().keySet().stream().anyMatch(name -> name.startsWith("jvm_memory_used_bytes")),
                "JVM meters too");
    }

    /** Which release a node runs, for the dashboards of a rolling upgrade. */
    @Test
    void buildInfoNamesTheRelease() throws Exception {
        MetricsScrape scrape = MetricsScrape.of(relay.server().metricsPort());
        assertEquals(1.0, scrape.value("nuttssh_build_info{version=\"" + RelayVersion.version() + "\"}"));
    }

    @Test
    void byDefaultTheMetricsPortIsOnLoopbackOnly() throws Exception {
        int port = relay.server().metricsPort();
        assertEquals(0.0, MetricsScrape.of(port).value("nuttssh_circuits_open"), "served on 127.0.0.1");
        try (Socket other = new Socket()) {
            other.bind(new InetSocketAddress("127.0.0.2", 0));
            assertThrows(ConnectException.class, () -> other.connect(new InetSocketAddress("127.0.0.2", port)),
                    "another address of this machine, as another host would see it");
        }
    }

    @Test
    void countersMoveWithRealOpenSshTraffic() throws Exception {
        int port = relay.server().metricsPort();
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        Path input = relay.dir().resolve("input");
        Files.writeString(input, "x".repeat(PAYLOAD - 1) + "\n", StandardCharsets.UTF_8);

        SshProcess circuit = relay.run(relay.ssh("-W", "gw1:22", "relay-alice"), input);
        assertEquals(0, circuit.process().exitValue(), circuit.stderr());
        assertEquals("echo\n".length() + PAYLOAD, circuit.stdout().length());
        SshProcess unknown = relay.run(relay.ssh("-W", "gw9:22", "relay-alice"));
        assertTrue(unknown.stderr().contains("no listening client named 'gw9'"), unknown.stderr());
        SshProcess stranger = relay.run(relay.ssh("relay-stranger", "list"));
        assertEquals(255, stranger.process().exitValue());

        RelayFixture.await("the circuit's close to be counted",
                () -> relay.server().statistics().circuitsOpen() == 0);
        MetricsScrape scrape = MetricsScrape.of(port);
        assertEquals(1.0, scrape.value("nuttssh_circuits_total"));
        assertEquals(0.0, scrape.value("nuttssh_circuits_open"));
        assertEquals(1.0, scrape.value("nuttssh_circuit_failures_total{reason=\"no_such_name\"}"));
        assertEquals(PAYLOAD, scrape.value("nuttssh_relayed_bytes_total{direction=\"up\"}"));
        assertEquals("echo\n".length() + PAYLOAD, scrape.value("nuttssh_relayed_bytes_total{direction=\"down\"}"));
        assertTrue(scrape.value("nuttssh_auth_failures_total") >= 1.0, scrape.text());
        assertTrue(scrape.value("nuttssh_connections_total") >= 4.0, scrape.text());
        assertEquals(1.0, scrape.value("nuttssh_clients_listening"));
        assertEquals(1.0, scrape.value("nuttssh_listeners"));
        assertEquals(1.0, scrape.value("nuttssh_registry_clients"));
        assertEquals(2.0, scrape.value("nuttssh_registry_local_names"), "its hostname and its alias");
        assertEquals(2.0, scrape.value("nuttssh_registry_names"), "every name in the registry: the same two");
        assertTrue(scrape.value("nuttssh_connections_open") >= 1.0, "the listener is still connected");
        assertTrue(scrape.value("nuttssh_clients_authenticated") >= 1.0, scrape.text());
    }

    @Test
    void healthEndpointsAnswerLoadBalancers() throws Exception {
        int port = relay.server().metricsPort();

        HttpResponse<String> live = MetricsScrape.get(port, "/health/live");
        assertEquals(200, live.statusCode());
        HttpResponse<String> ready = MetricsScrape.get(port, "/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready\n", ready.body());
        assertEquals(404, MetricsScrape.get(port, "/health").statusCode());
        assertTrue(MetricsScrape.get(port, "/metrics").headers().firstValue("Content-Type").orElse("")
                .startsWith("text/plain; version=0.0.4"));
    }
}
