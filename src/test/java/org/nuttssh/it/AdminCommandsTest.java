package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.config.RelayVersion;

/** whoami, list (-v, -c, PATTERN), circuits and kick, run with stock OpenSSH by keys with different access. */
class AdminCommandsTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.start(
                "access=\"listen\" {gw}",
                "access=\"initiate\",alias=\"ops\",alias=\"oncall\" {alice}",
                "access=\"admin\" {root}",
                "{nobody}");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void whoamiAnswersEveryKey() throws Exception {
        SshProcess alice = relay.run(relay.ssh("relay-alice", "whoami"));
        assertEquals(0, alice.process().exitValue(), alice.stderr());
        assertTrue(alice.stdout().contains("name: alice\naliases: ops,oncall\naccess: initiate\naddress: 127.0.0.1:"),
                alice.stdout());
        assertTrue(alice.stdout().matches("(?s).*\nkey: SHA256:[A-Za-z0-9+/]+\n"
                + "cipher: aes128-gcm@openssh.com\nmac: implicit\nnode: "
                + relay.server().nodeId().shortId() + " \\(alone\\)\n"), alice.stdout());

        SshProcess nobody = relay.run(relay.ssh("relay-nobody", "whoami"));
        assertEquals(0, nobody.process().exitValue(), nobody.stderr());
        assertTrue(nobody.stdout().startsWith("name: nobody\naliases: -\naccess: none\n"), nobody.stdout());

        SshProcess root = relay.run(relay.ssh("relay-root", "whoami"));
        assertTrue(root.stdout().contains("access: admin\n"), root.stdout());
    }

    /** An operator of a rolling upgrade sees each node's release; other keys see only node ids. */
    @Test
    void whoamiShowsAnAdminKeyTheRelease() throws Exception {
        String node = relay.server().nodeId().shortId();
        SshProcess root = relay.run(relay.ssh("relay-root", "whoami"));
        assertTrue(root.stdout().contains("\nnode: " + node + "@" + RelayVersion.version() + " (alone)\n"),
                root.stdout());
        SshProcess alice = relay.run(relay.ssh("relay-alice", "whoami"));
        assertTrue(alice.stdout().contains("\nnode: " + node + " (alone)\n"), alice.stdout());
    }

    @Test
    void listIsForInitiateAndAdminKeys() throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        for (String role : new String[] {"alice", "root"}) {
            SshProcess list = relay.run(relay.ssh("relay-" + role, "list"));
            assertEquals(0, list.process().exitValue(), list.stderr());
            assertTrue(list.stdout().lines().anyMatch(line -> line.startsWith("gw1 ")), list.stdout());
        }
        SshProcess gw = relay.run(relay.ssh("relay-gw", "list"));
        assertEquals(1, gw.process().exitValue());
        assertTrue(gw.stderr().contains("Permission denied: 'list' needs access=\"initiate\" or access=\"admin\""),
                gw.stderr());
    }

    @Test
    void verboseListAndCircuitsShowTheOpenCircuit() throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
        SshProcess circuit = relay.start(relay.ssh("-W", "gw1:22", "relay-alice"), null);
        OutputStream stdin = circuit.stdin();
        stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        RelayFixture.await(circuit, "the echo", () -> circuit.stdout().equals("echo\nhello\n"));

        SshProcess list = relay.run(relay.ssh("relay-root", "list", "-v"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertTrue(list.stdout().startsWith("NAME  ") && list.stdout().contains(" NODE ")
                && list.stdout().contains(" CONNECTED ") && list.stdout().contains(" CIRCUITS  BYTES  CERTIFICATE\n"),
                list.stdout());
        // 6 bytes up ("hello\n"), 11 down ("echo\nhello\n").
        String connected = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
        assertTrue(list.stdout().lines().anyMatch(line ->
                line.matches("gw1 +127\\.0\\.0\\.1:\\d+ +- +22 +\\w+ +" + connected + " +1 +17 +-")),
                list.stdout());

        SshProcess circuits = relay.run(relay.ssh("relay-root", "circuits"));
        assertEquals(0, circuits.process().exitValue(), circuits.stderr());
        assertTrue(circuits.stdout().startsWith("FROM "), circuits.stdout());
        assertTrue(circuits.stdout().lines().anyMatch(line ->
                line.matches("alice@127\\.0\\.0\\.1:\\d+ +gw1:22 +\\d+s +6 +11 +\\w+")), circuits.stdout());

        SshProcess denied = relay.run(relay.ssh("relay-alice", "circuits"));
        assertEquals(1, denied.process().exitValue());
        assertTrue(denied.stderr().contains("Permission denied: 'circuits' needs access=\"admin\""), denied.stderr());

        stdin.close();
        assertEquals(0, circuit.waitFor(RelayFixture.TIMEOUT), circuit.stderr());
        RelayFixture.await("no circuits", () -> relay.server().statistics().circuitsOpen() == 0);
        SshProcess none = relay.run(relay.ssh("relay-root", "circuits"));
        assertEquals("no open circuits\n", none.stdout());
        SshProcess after = relay.run(relay.ssh("relay-root", "list", "-v"));
        assertTrue(after.stdout().lines().anyMatch(line -> line.matches("gw1 .* 0 +17 +-")),
                "closed circuits still count in BYTES: " + after.stdout());
    }

    @Test
    void kickDisconnectsTheListeningClient() throws Exception {
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        SshProcess kick = relay.run(relay.ssh("relay-root", "kick", "gw1"));

        assertEquals(0, kick.process().exitValue(), kick.stderr());
        assertTrue(kick.stdout().matches("kicked gw1 \\(gw1@127\\.0\\.0\\.1:\\d+ on node \\w+\\)\n"), kick.stdout());
        assertEquals(255, listener.waitFor(RelayFixture.TIMEOUT), "ssh exits when the relay disconnects it");
        assertTrue(listener.stderr().contains("disconnected by a relay administrator"), listener.stderr());
        relay.awaitGone("gw1");
    }

    @Test
    void kickRefusalsAndMistakes() throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        SshProcess unknown = relay.run(relay.ssh("relay-root", "kick", "gw9"));
        assertEquals(1, unknown.process().exitValue());
        assertEquals("kick: no listening client named 'gw9'\n", unknown.stderr().lines()
                .filter(line -> line.startsWith("kick:")).findFirst().orElse("") + "\n");

        SshProcess missingName = relay.run(relay.ssh("relay-root", "kick"));
        assertEquals(2, missingName.process().exitValue());
        assertTrue(missingName.stderr().contains("usage: list [-v | -c | --offline] [--json] [PATTERN] | whoami | circuits | kick NAME[~N]"),
                missingName.stderr());

        SshProcess notAdmin = relay.run(relay.ssh("relay-alice", "kick", "gw1"));
        assertEquals(1, notAdmin.process().exitValue());
        assertTrue(notAdmin.stderr().contains("Permission denied: 'kick' needs access=\"admin\""), notAdmin.stderr());
        assertTrue(relay.newestRecord("gw1").isPresent(), "nobody was kicked");

        SshProcess unknownCommand = relay.run(relay.ssh("relay-root", "reboot"));
        assertEquals(2, unknownCommand.process().exitValue());
        SshProcess badOption = relay.run(relay.ssh("relay-root", "list", "-x"));
        assertEquals(2, badOption.process().exitValue());
    }

    @Test
    void listNarrowsToAPatternAndCountsPerNode() throws Exception {
        relay.listener("gw", "gw-1", "gw-1", "22:localhost:" + echo.port());
        relay.listener("gw", "db-1", "db-1", "22:localhost:" + echo.port());
        String node = relay.server().nodeId().shortId();

        SshProcess gateways = relay.run(relay.ssh("relay-alice", "list", "gw-*"));
        assertEquals(0, gateways.process().exitValue(), gateways.stderr());
        assertEquals(List.of("NAME", "gw-1"), firstWords(gateways.stdout()));

        SshProcess counts = relay.run(relay.ssh("relay-alice", "list", "-c"));
        assertEquals(0, counts.process().exitValue(), counts.stderr());
        assertEquals(List.of("NODE CLIENTS RELEASE", node + " 2 " + RelayVersion.version(), "total 2"),
                counts.stdout().lines().map(line -> line.replaceAll(" +", " ")).toList(), counts.stdout());

        SshProcess none = relay.run(relay.ssh("relay-alice", "list", "-c", "web-*"));
        assertTrue(none.stdout().matches("(?s).*\ntotal +0\n"), none.stdout());

        SshProcess verbose = relay.run(relay.ssh("relay-root", "list", "-v", "db-?"));
        assertEquals(0, verbose.process().exitValue(), verbose.stderr());
        assertEquals(List.of("NAME", "db-1"), firstWords(verbose.stdout()));
        assertTrue(verbose.stdout().startsWith("NAME  ") && verbose.stdout().contains(" CIRCUITS "), verbose.stdout());

        SshProcess both = relay.run(relay.ssh("relay-alice", "list", "-c", "-v"));
        assertEquals(2, both.process().exitValue());
        assertTrue(both.stderr().contains("\nlist: -v and -c do not combine"), both.stderr());
        SshProcess badPattern = relay.run(relay.ssh("relay-alice", "list", "gw:*"));
        assertEquals(2, badPattern.process().exitValue());
        assertTrue(badPattern.stderr().contains("\nlist: pattern 'gw:*' has ':' at position 3 (expected a name "),
                badPattern.stderr());
        SshProcess listenOnly = relay.run(relay.ssh("relay-gw", "list", "-c"));
        assertEquals(1, listenOnly.process().exitValue());
        assertTrue(listenOnly.stderr().contains("Permission denied: 'list' needs"), listenOnly.stderr());
    }

    private static List<String> firstWords(String table) {
        return table.lines().map(line -> line.split(" ")[0]).toList();
    }
}
