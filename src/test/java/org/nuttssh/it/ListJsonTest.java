package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.testing.SshKeygen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code list --json} run by stock OpenSSH, its output parsed as JSON: rows, {@code -c}, {@code -v}, patterns. */
class ListJsonTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void target() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void rowsCountsAndVerboseRowsParseAsJson() throws Exception {
        relay.start("access=\"listen\",alias=\"door\" {gwa}", "access=\"listen\" {gw}",
                "access=\"initiate\",permitopen=\"GW-A:22\" {support}", "access=\"initiate\" {alice}",
                "access=\"admin\" {root}");
        relay.listener("gwa", "gw-a", "gw-a", "22:localhost:" + echo.port(), "5900:localhost:" + echo.port());
        relay.listener("gw", "gw-b", "gw-b", "22:localhost:" + echo.port());
        String node = relay.server().nodeId().shortId();

        JsonArray rows = array("relay-alice", "list", "--json");
        assertEquals(2, rows.size(), rows.encode());
        JsonObject gwA = rows.getJsonObject(0);
        assertEquals("gw-a", gwA.getString("name"));
        assertEquals(new JsonArray(List.of("door")), gwA.getJsonArray("aliases"));
        assertEquals(new JsonArray(List.of(22, 5900)), gwA.getJsonArray("ports"));
        assertEquals(node, gwA.getString("node"));
        Instant since = Instant.parse(gwA.getString("connected_since"));
        assertTrue(gwA.getString("connected_since").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), gwA.encode());
        assertTrue(Duration.between(since, Instant.now()).abs().compareTo(RelayFixture.TIMEOUT) < 0, gwA.encode());
        assertTrue(gwA.getString("address").matches("127\\.0\\.0\\.1:\\d+"), gwA.encode());
        assertFalse(gwA.containsKey("key"), "the key is for -v: " + gwA.encode());
        assertEquals("gw-b", rows.getJsonObject(1).getString("name"));

        JsonArray byAlias = array("relay-alice", "list", "--json", "DOOR");
        assertEquals(List.of("gw-a"), names(byAlias));
        assertEquals(new JsonObject().put("nodes", new JsonObject().put(node, 2)).put("total", 2),
                object("relay-alice", "list", "-c", "--json"));
        assertEquals(new JsonObject().put("nodes", new JsonObject().put(node, 0)).put("total", 0),
                object("relay-alice", "list", "-c", "--json", "web-*"));

        JsonArray narrowed = array("relay-support", "list", "--json");
        assertEquals(List.of("gw-a"), names(narrowed));
        assertEquals(new JsonArray(List.of(22)), narrowed.getJsonObject(0).getJsonArray("ports"));
        assertEquals(new JsonArray(), narrowed.getJsonObject(0).getJsonArray("aliases"));
        assertEquals(1, object("relay-support", "list", "-c", "--json").getInteger("total"));

        JsonArray verbose = array("relay-root", "list", "-v", "--json", "gw-?");
        assertEquals(List.of("gw-a", "gw-b"), names(verbose));
        JsonObject gwB = verbose.getJsonObject(1);
        assertEquals(SshKeygen.fingerprint(relay.key("gw")), gwB.getString("key"));
        assertTrue(gwB.containsKey("certificate") && gwB.getValue("certificate") == null, gwB.encode());
        assertEquals(0, gwB.getInteger("circuits"));
        assertEquals(0L, gwB.getLong("bytes"));

        SshProcess notAdmin = relay.run(relay.ssh("relay-support", "list", "-v", "--json"));
        assertEquals(1, notAdmin.process().exitValue(), notAdmin.stdout());
        assertTrue(notAdmin.stderr().contains("Permission denied: 'list -v' needs access=\"admin\""),
                notAdmin.stderr());
        SshProcess badFlag = relay.run(relay.ssh("relay-alice", "list", "--jsn"));
        assertEquals(2, badFlag.process().exitValue());
        assertTrue(badFlag.stderr().contains("list: unknown option '--jsn' (expected -v, -c, --offline or --json)"),
                badFlag.stderr());
        assertEquals(new JsonArray(), array("relay-alice", "list", "--json", "web-*"));
    }

    @Test
    void aVerboseRowNamesTheCertificate() throws Exception {
        relay.start("cert-authority,access=\"listen\",names=\"gw-*\" {fleetca}", "access=\"admin\" {root}");
        relay.certify("gw42", relay.key("fleetca"), "-n", "gw-0042", "-z", "18446744073709551615");
        relay.listener("gw42", "gw-0042", "gw-0042", "22:localhost:" + echo.port());
        String ca = SshKeygen.fingerprint(relay.key("fleetca"));

        JsonObject row = array("relay-root", "list", "-v", "--json").getJsonObject(0);

        assertEquals(ca, row.getString("key"), "a certificate's key is its CA's: " + row.encode());
        JsonObject certificate = row.getJsonObject("certificate");
        assertEquals("gw42", certificate.getString("key_id"));
        assertEquals(new BigInteger("18446744073709551615"), new BigInteger(certificate.getValue("serial").toString()),
                "the serial is unsigned 64-bit: " + row.encode());
        assertEquals(ca, certificate.getString("ca"));
        assertFalse(array("relay-root", "list", "--json").getJsonObject(0).containsKey("certificate"));
    }

    private JsonArray array(String host, String... args) throws Exception {
        return new JsonArray(output(host, args));
    }

    private JsonObject object(String host, String... args) throws Exception {
        return new JsonObject(output(host, args));
    }

    /** One line of JSON on stdout, exit 0. */
    private String output(String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(host));
        command.addAll(List.of(args));
        SshProcess run = relay.run(relay.ssh(command.toArray(String[]::new)));
        assertEquals(0, run.process().exitValue(), run.stderr());
        assertTrue(run.stdout().endsWith("\n") && run.stdout().lines().count() == 1, run.stdout());
        return run.stdout();
    }

    private static List<String> names(JsonArray rows) {
        return rows.stream().map(row -> ((JsonObject) row).getString("name")).toList();
    }
}
