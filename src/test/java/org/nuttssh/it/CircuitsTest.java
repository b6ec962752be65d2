package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.nuttssh.testing.FreePorts;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Circuits between stock OpenSSH clients through the relay: -W, -L, -D, and names with ~N, hostname= and alias=. */
class CircuitsTest {

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void start() throws Exception {
        relay.start(
                "access=\"listen\" {gw}",
                "access=\"listen\" {gw2}",
                "access=\"listen\",hostname=\"router\",alias=\"r1\",alias=\"office\" {named}",
                "access=\"initiate\" {alice}");
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void stdioForwardReachesListenerByName() throws Exception {
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        SshProcess initiator = relay.run(relay.ssh("-W", "gw1:22", "relay-alice"), text("hello through the relay\n"));

        assertEquals(0, initiator.process().exitValue(), initiator.stderr());
        assertEquals("echo\nhello through the relay\n", initiator.stdout());
    }

    @Test
    void localForwardCarriesTwentySimultaneousCircuits() throws Exception {
        relay.listener("gw", "gw1", "gw1", "80:localhost:" + echo.port());
        int localPort = FreePorts.tcp();
        SshProcess forward = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":gw1:80", "relay-alice"));
        RelayFixture.await("local forward port", () -> canConnect(localPort) || !forward.isAlive());

        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String message = "circuit " + i + " " + "x".repeat(i * 1000) + "\n";
                replies.add(clients.submit(() -> RoundTrip.viaPort(localPort, message)));
            }
            for (int i = 0; i < 20; i++) {
                String expected = "echo\ncircuit " + i + " " + "x".repeat(i * 1000) + "\n";
                assertEquals(expected, replies.get(i).get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(forward.isAlive(), "one -L connection carried all circuits");
    }

    @Test
    void manyQuickCircuitsInARowKeepBothConnectionsUp() throws Exception {
        // The target speaks first, so its bytes can reach the relay before the circuit is wired up.
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "80:localhost:" + echo.port());
        int localPort = FreePorts.tcp();
        SshProcess forward = relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + localPort + ":gw1:80", "relay-alice"));
        RelayFixture.await(forward, "local forward port", () -> canConnect(localPort));

        for (int i = 0; i < 300; i++) {
            assertEquals("echo\n", RoundTrip.viaPort(localPort, ""), "circuit " + i);
        }
        assertTrue(listener.isAlive() && forward.isAlive(), "no connection was dropped");
        assertTrue(relay.newestRecord("gw1").isPresent());
    }

    @Test
    void socksProxyResolvesClientNamesRemotely() throws Exception {
        HttpTarget http = new HttpTarget("hello from gw1's web server");
        relay.onClose(http);
        relay.listener("gw", "gw1", "gw1", "80:localhost:" + http.port());
        int socksPort = FreePorts.tcp();
        SshProcess socks = relay.start(relay.ssh("-N", "-D", "127.0.0.1:" + socksPort, "relay-alice"));
        RelayFixture.await("SOCKS port", () -> canConnect(socksPort) || !socks.isAlive());

        SshProcess curl = relay.run(List.of("curl", "-sS", "--max-time", "20",
                "--socks5-hostname", "127.0.0.1:" + socksPort, "http://gw1/"));

        assertEquals(0, curl.process().exitValue(), curl.stderr());
        assertEquals("hello from gw1's web server", curl.stdout());
    }

    @Test
    void newestClientWinsTheNameAndOlderOnesGetAnIndex() throws Exception {
        TcpTarget older = relay.target("older", TcpTarget.Mode.ECHO);
        TcpTarget newer = relay.target("newer", TcpTarget.Mode.ECHO);
        relay.listener("gw", "twin", "twin", "22:localhost:" + older.port());
        String firstId = relay.newestRecord("twin").orElseThrow().id();
        relay.start(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-l", "twin",
                "-R", "22:localhost:" + newer.port(), "relay-gw2"));
        RelayFixture.await("second twin", () -> !relay.newestRecord("twin").orElseThrow().id().equals(firstId));

        assertEquals("newer\n", relay.run(relay.ssh("-W", "twin:22", "relay-alice")).stdout());
        assertEquals("newer\n", relay.run(relay.ssh("-W", "twin~0:22", "relay-alice")).stdout());
        assertEquals("older\n", relay.run(relay.ssh("-W", "twin~1:22", "relay-alice")).stdout());
        SshProcess missing = relay.run(relay.ssh("-W", "twin~2:22", "relay-alice"));
        assertTrue(missing.stderr().contains("no listening client named 'twin~2'"), missing.stderr());

        String list = relay.run(relay.ssh("relay-alice", "list")).stdout();
        assertTrue(list.lines().anyMatch(line -> line.startsWith("twin ")), list);
        assertTrue(list.lines().anyMatch(line -> line.startsWith("twin~1 ")), list);
    }

    @Test
    void hostnameOptionOverridesUserNameAndAliasesAddNames() throws Exception {
        relay.listener("named", "ignored-user", "router", "22:localhost:" + echo.port());

        assertEquals("echo\n", relay.run(relay.ssh("-W", "router:22", "relay-alice")).stdout());
        assertEquals("echo\n", relay.run(relay.ssh("-W", "r1:22", "relay-alice")).stdout());
        assertEquals("echo\n", relay.run(relay.ssh("-W", "office:22", "relay-alice")).stdout());
        SshProcess byUser = relay.run(relay.ssh("-W", "ignored-user:22", "relay-alice"));
        assertTrue(byUser.stderr().contains("no listening client named 'ignored-user'"), byUser.stderr());
        String list = relay.run(relay.ssh("relay-alice", "list")).stdout();
        assertTrue(list.lines().anyMatch(l -> l.startsWith("router ") && l.contains("r1,office") && l.endsWith(" 22")),
                list);
    }

    @Test
    void nameIsWithdrawnWhenTheListenerLeaves() throws Exception {
        SshProcess listener = relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());

        listener.close();

        relay.awaitGone("gw1");
        SshProcess initiator = relay.run(relay.ssh("-W", "gw1:22", "relay-alice"));
        assertTrue(initiator.stderr().contains("no listening client named 'gw1'"), initiator.stderr());
    }

    private Path text(String content) throws Exception {
        Path file = Files.createTempFile(relay.dir(), "stdin", ".txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static boolean canConnect(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
