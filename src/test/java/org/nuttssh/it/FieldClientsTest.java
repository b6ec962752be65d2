package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nuttssh.config.RelayVersion;
import org.nuttssh.it.FieldClients.Client;

/**
 * Every client of {@link FieldClients} against a relay with default settings: it listens under its own name, opens
 * a circuit to itself, and runs {@code list} and {@code whoami}; OpenSSH gets AES-GCM; ssh-audit finds nothing to
 * fail but the NIST curves. The same clients across two nodes are in {@link ClusterProcessTest}.
 */
class FieldClientsTest {

    private static final String HOST = "127.0.0.1";
    private static final String GCM = "cipher: aes128-gcm@openssh.com\nmac: implicit\n";
    private static final Map<Client, String> RELAYS_CHOICE = Map.of(Client.OPENSSH, GCM, Client.PLINK, GCM,
            Client.ASYNCSSH, GCM, Client.JSCH, GCM,
            Client.DROPBEAR, "cipher: chacha20-poly1305@openssh.com\nmac: implicit\n",
            Client.PARAMIKO, "cipher: aes128-ctr\nmac: hmac-sha2-256-etm@openssh.com\n");

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    private FieldClients clients;

    @BeforeEach
    void start() throws Exception {
        clients = new FieldClients(relay.dir(), relay.dir().resolve("ssh_host_key"));
        relay.start(clients.authorizedKeys("access=\"listen\",access=\"initiate\"").split("\n"));
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void listensInitiatesAndRunsCommandsWithDefaultSettings(Client client) throws Exception {
        String name = client.user();
        TcpTarget echo = relay.target(name + "-echo", TcpTarget.Mode.ECHO);
        SshProcess listener = relay.start(clients.listen(client, HOST, relay.port(), 22, echo.port()));
        RelayFixture.await(listener, name + " to listen on port 22",
                () -> relay.newestRecord(name).map(r -> r.ports().containsKey(22)).orElse(false));

        SshProcess circuit = relay.start(clients.open(client, HOST, relay.port(), name + ":22"));
        FieldClients.converse(circuit, "hello from " + name + "\n", name + "-echo\nhello from " + name + "\n");

        SshProcess list = relay.run(clients.run(client, HOST, relay.port(), "list"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(line -> line.startsWith(name + " ") && line.endsWith(" 22")),
                list.stdout());
        SshProcess whoami = relay.run(clients.run(client, HOST, relay.port(), "whoami"));
        assertTrue(whoami.stdout().contains("name: " + name + "\n"), whoami.stdout() + whoami.stderr());
        // The relay's choice, not the client's: the first of the relay's lists that the client has.
        assertTrue(whoami.stdout().contains(RELAYS_CHOICE.get(client)), whoami.stdout());
        assertTrue(listener.isAlive(), listener.stderr());
    }

    @Test
    void openSshNegotiatesAesGcmAndSeesTheRelaysOwnVersion() throws Exception {
        List<String> command = clients.run(Client.OPENSSH, HOST, relay.port(), "whoami");
        command.add(1, "-v");
        SshProcess whoami = relay.run(command);
        String log = whoami.stderr();
        assertTrue(log.contains("kex: client->server cipher: aes128-gcm@openssh.com MAC: <implicit>"), log);
        assertTrue(log.contains("kex: server->client cipher: aes128-gcm@openssh.com MAC: <implicit>"), log);
        assertTrue(log.contains("remote software version " + RelayVersion.sshSoftwareVersion()), log);
    }

    /**
     * OpenSSH limited to Diffie-Hellman: with a 256-bit cipher it asks for a group of 8192 bits at most and prefers
     * that, and gets the relay's largest, 4096 (RelayServerSessionTest sees the size); the fixed 8192-bit group is
     * not offered at all.
     */
    @Test
    void openSshLimitedToDiffieHellmanLogsInWithinTheRelaysBound() throws Exception {
        List<String> command = clients.run(Client.OPENSSH, HOST, relay.port(), "whoami");
        command.addAll(1, List.of("-v", "-o", "KexAlgorithms=diffie-hellman-group-exchange-sha256",
                "-c", "aes256-gcm@openssh.com"));
        SshProcess groupExchange = relay.run(command);
        assertEquals(0, groupExchange.process().exitValue(), groupExchange.stderr());
        assertTrue(groupExchange.stderr().contains("SSH2_MSG_KEX_DH_GEX_REQUEST(2048<8192<8192) sent"),
                groupExchange.stderr());

        command = clients.run(Client.OPENSSH, HOST, relay.port(), "whoami");
        command.addAll(1, List.of("-o", "KexAlgorithms=diffie-hellman-group18-sha512"));
        SshProcess group18 = relay.run(command);
        assertEquals(255, group18.process().exitValue(), group18.stderr());
        assertTrue(group18.stderr().contains("no matching key exchange method found"), group18.stderr());
    }

    /** dropbear built without chacha20-poly1305 (before 2020.79, or trimmed) has only AES-CTR and HMAC-SHA2. */
    @Test
    void aClientWithOnlyCtrAndEncryptAndMacGetsThemButNeverSha1() throws Exception {
        List<String> command = clients.run(Client.DROPBEAR, HOST, relay.port(), "whoami");
        command.addAll(1, List.of("-c", "aes256-ctr,aes128-ctr", "-m", "hmac-sha1,hmac-sha2-256"));
        SshProcess whoami = relay.run(command);
        // The relay's order: aes128-ctr before aes256-ctr, and SHA-2 where dropbear put SHA-1 first.
        assertTrue(whoami.stdout().contains("cipher: aes128-ctr\nmac: hmac-sha2-256\n"),
                whoami.stdout() + whoami.stderr());

        command = clients.run(Client.DROPBEAR, HOST, relay.port(), "whoami");
        command.addAll(1, List.of("-c", "aes128-ctr", "-m", "hmac-sha1"));
        SshProcess sha1Only = relay.run(command);
        assertTrue(sha1Only.process().exitValue() != 0 && sha1Only.stderr().contains("No matching algo mac"),
                sha1Only.stderr());
    }

    @Test
    void sshAuditFailsNothingButTheNistCurves() throws Exception {
        SshProcess audit = relay.run(List.of("ssh-audit", "-n", "-p", String.valueOf(relay.port()), HOST));
        String report = audit.stdout();
        assertTrue(report.contains("(gen) banner: SSH-2.0-" + RelayVersion.sshSoftwareVersion()), report);
        Matcher fails = Pattern.compile("^\\((kex|key|enc|mac)\\) (\\S+)\\s.*\\[fail\\]", Pattern.MULTILINE)
                .matcher(report);
        int nist = 0;
        while (fails.find()) {
            assertTrue(fails.group(2).startsWith("ecdh-sha2-nistp"), "fails " + fails.group(2) + ":\n" + report);
            nist++;
        }
        assertEquals(3, nist, report);
        for (String weak : List.of("hmac-sha1", "chacha20", "-ctr", "ssh-rsa ", "group14-sha1", "hmac-sha2-256 ")) {
            assertTrue(!report.contains(") " + weak) && !report.contains(weak + " "), weak + " shown:\n" + report);
        }
    }
}
