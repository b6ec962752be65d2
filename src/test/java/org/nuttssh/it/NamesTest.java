package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.circuit.RefusalReason;
import org.nuttssh.ssh.SshService;
import org.nuttssh.testing.LogCapture;

/**
 * Who may listen under which name, and where a key may go, as stock OpenSSH clients see it: names that are no
 * names, names that belong to other keys' lines, names=, permitopen=, permitlisten=, and a key line that fails
 * closed.
 */
class NamesTest {

    /** Where refused listeners are logged. */
    private static final String SSH_PACKAGE = SshService.class.getPackageName();

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    TcpTarget echo;

    @BeforeEach
    void prepare() throws Exception {
        echo = relay.target("echo", TcpTarget.Mode.ECHO);
    }

    @Test
    void userNamesThatAreNoNamesCannotListen() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        try (LogCapture log = new LogCapture(SSH_PACKAGE)) {
            for (String user : List.of("bad name", "evil~1", "a".repeat(254), "gw:22")) {
                SshProcess refused = relay.run(listen(user, "relay-gw", "22:localhost:" + echo.port()));
                assertNotEquals(0, refused.process().exitValue(), user);
                assertTrue(refused.stderr().contains("remote port forwarding failed for listen port 22"),
                        refused.stderr());
            }
            List<String> reasons = log.lines();
            assertTrue(reasons.stream().anyMatch(l -> l.contains("the user name 'bad name' has U+0020 at position 4;"
                    + " a name is 1-253 bytes of letters, digits, '-', '_' and '.'")), reasons::toString);
            assertTrue(reasons.stream().anyMatch(l -> l.contains("the user name 'evil~1' has '~' at position 5")),
                    reasons::toString);
            assertTrue(reasons.stream().anyMatch(l -> l.contains("is 254 bytes long")), reasons::toString);
        }
        String longest = "a".repeat(253);
        relay.listener("gw", longest, longest, "22:localhost:" + echo.port());
        assertEquals("echo\n", relay.run(relay.ssh("-W", longest + ":22", "relay-alice")).stdout());
    }

    @Test
    void aNameThatAnotherLineGivesBelongsToThatLine() throws Exception {
        relay.start("access=\"listen\",hostname=\"gw-office\",alias=\"printer\" {office}",
                "access=\"listen\" {thief}", "access=\"initiate\" {alice}");
        try (LogCapture log = new LogCapture(SSH_PACKAGE)) {
            for (String stolen : List.of("gw-office", "printer")) {
                SshProcess thief = relay.run(listen(stolen, "relay-thief", "22:localhost:1"));
                assertNotEquals(0, thief.process().exitValue());
                assertTrue(thief.stderr().contains("remote port forwarding failed for listen port 22"),
                        thief.stderr());
            }
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("the name 'gw-office' belongs to the key of "
                    + relay.dir().resolve("authorized_keys") + ":1 (hostname=/alias=; reserved-names)")),
                    log.lines()::toString);
        }
        assertTrue(relay.newestRecord("gw-office").isEmpty() && relay.newestRecord("printer").isEmpty());

        relay.listener("office", "anything", "gw-office", "22:localhost:" + echo.port());
        assertEquals("echo\n", relay.run(relay.ssh("-W", "printer:22", "relay-alice")).stdout());
        relay.listener("thief", "thief", "thief", "22:localhost:" + echo.port());
    }

    @Test
    void aNameIsOneNameInEveryCase() throws Exception {
        TcpTarget laptopTarget = relay.target("laptop", TcpTarget.Mode.ECHO);
        relay.start("access=\"listen\",hostname=\"GW-Office\" {office}", "access=\"listen\" {laptop}",
                "access=\"initiate\" {alice}");
        try (LogCapture log = new LogCapture(SSH_PACKAGE)) {
            for (String stolen : List.of("gw-office", "GW-OFFICE")) {
                SshProcess laptop = relay.run(listen(stolen, "relay-laptop", "22:localhost:" + laptopTarget.port()));
                assertNotEquals(0, laptop.process().exitValue(), stolen);
                assertTrue(laptop.stderr().contains("remote port forwarding failed for listen port 22"),
                        laptop.stderr());
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("the name '" + stolen + "' belongs to the"
                        + " key of " + relay.dir().resolve("authorized_keys") + ":1 (hostname=/alias=;"
                        + " reserved-names)")), log.lines()::toString);
            }
        }
        assertTrue(relay.newestRecord("gw-office").isEmpty());

        relay.listener("office", "office", "GW-Office", "22:localhost:" + echo.port());
        for (String target : List.of("gw-office:22", "GW-OFFICE:22", "GW-Office:22")) {
            assertEquals("echo\n", relay.run(relay.ssh("-W", target, "relay-alice")).stdout(), target);
        }
        SshProcess list = relay.run(relay.ssh("relay-alice", "list", "gw-off*"));
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith("GW-Office ")),
                "listed as the key writes it, found by a pattern in any case: " + list.stdout());
    }

    @Test
    void reservedNamesCanBeTurnedOff() throws Exception {
        relay.configure(config -> config.reservedNames(false));
        relay.start("access=\"listen\",hostname=\"gw-office\" {office}", "access=\"listen\" {thief}");

        relay.listener("thief", "gw-office", "gw-office", "22:localhost:" + echo.port());
    }

    @Test
    void aReloadThatReservesANameTakesItsListenersAway() throws Exception {
        relay.start("access=\"listen\" {office}", "access=\"listen\" {thief}");
        SshProcess thief = relay.listener("thief", "gw-office", "gw-office", "22:localhost:" + echo.port());

        relay.writeAuthorizedKeys("access=\"listen\",hostname=\"gw-office\" {office}", "access=\"listen\" {thief}");

        relay.awaitGone("gw-office");
        assertTrue(thief.isAlive(), "the connection stays; only the name goes");
        relay.listener("office", "office", "gw-office", "22:localhost:" + echo.port());
    }

    @Test
    void namesOptionLimitsTheNamesAKeyMayListenAs() throws Exception {
        relay.start("access=\"listen\",names=\"gw-*,printer?\" {gw}");

        relay.listener("gw", "gw-7", "gw-7", "22:localhost:" + echo.port());
        relay.listener("gw", "printer2", "printer2", "22:localhost:" + echo.port());
        relay.listener("gw", "GW-8", "gw-8", "22:localhost:" + echo.port());
        for (String user : List.of("office", "printer", "gw7")) {
            SshProcess refused = relay.run(listen(user, "relay-gw", "22:localhost:1"));
            assertTrue(refused.stderr().contains("remote port forwarding failed"), user + ": " + refused.stderr());
        }
    }

    @Test
    void permitOpenLimitsWhatAnInitiatorReaches() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"initiate\",permitopen=\"gw1:22,gw2:*\" {alice}");
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port(), "23:localhost:" + echo.port());
        relay.listener("gw", "gw2", "gw2", "80:localhost:" + echo.port());
        relay.listener("gw", "gw3", "gw3", "22:localhost:" + echo.port());

        assertEquals("echo\n", relay.run(relay.ssh("-W", "gw1:22", "relay-alice")).stdout());
        assertEquals("echo\n", relay.run(relay.ssh("-W", "gw2:80", "relay-alice")).stdout());
        for (String target : List.of("gw1:23", "gw3:22")) {
            SshProcess refused = relay.run(relay.ssh("-W", target, "relay-alice"));
            assertNotEquals(0, refused.process().exitValue());
            assertTrue(refused.stderr().contains("administratively prohibited: " + target + " is not allowed by key"),
                    refused.stderr());
            assertTrue(refused.stderr().contains("permitopen=\"gw1:22,gw2:*\""), refused.stderr());
        }
        assertEquals(2, relay.server().statistics().circuitRefusals().get(RefusalReason.PROHIBITED));
    }

    @Test
    void listShowsAKeyNarrowedByPermitOpenOnlyWhatItMayOpen() throws Exception {
        relay.start("access=\"listen\" {gw}", "access=\"initiate\",permitopen=\"GW-A:22\" {support}",
                "access=\"initiate\" {alice}");
        relay.listener("gw", "gw-a", "gw-a", "22:localhost:" + echo.port(), "5900:localhost:" + echo.port());
        relay.listener("gw", "gw-b", "gw-b", "22:localhost:" + echo.port());

        SshProcess list = relay.run(relay.ssh("relay-support", "list"));
        assertEquals(0, list.process().exitValue(), list.stderr());
        assertEquals(2, list.stdout().lines().count(), list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.matches("gw-a +127\\.0\\.0\\.1:\\d+ +- +22")),
                "only the name and port it may open: " + list.stdout());
        assertEquals("no listening clients\n", relay.run(relay.ssh("relay-support", "list", "gw-b")).stdout());
        SshProcess counts = relay.run(relay.ssh("relay-support", "list", "-c"));
        assertTrue(counts.stdout().lines().anyMatch(l -> l.matches("total +1")), counts.stdout());
        SshProcess verbose = relay.run(relay.ssh("relay-support", "list", "-v"));
        assertEquals(1, verbose.process().exitValue(), "list -v stays admin-only: " + verbose.stdout());

        SshProcess everything = relay.run(relay.ssh("relay-alice", "list"));
        assertTrue(everything.stdout().lines().anyMatch(l -> l.matches("gw-a .* 22,5900")), everything.stdout());
        assertTrue(everything.stdout().lines().anyMatch(l -> l.startsWith("gw-b ")), everything.stdout());
        SshProcess allCounted = relay.run(relay.ssh("relay-alice", "list", "-c"));
        assertTrue(allCounted.stdout().lines().anyMatch(l -> l.matches("total +2")), allCounted.stdout());
    }

    @Test
    void permitListenLimitsTheVirtualPorts() throws Exception {
        relay.start("access=\"listen\",permitlisten=\"22,localhost:80\" {gw}");

        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port(), "80:localhost:" + echo.port());
        for (String forward : List.of("23:localhost:1", "127.0.0.1:80:localhost:1")) {
            SshProcess refused = relay.run(listen("gw2", "relay-gw", forward));
            assertNotEquals(0, refused.process().exitValue());
            assertTrue(refused.stderr().contains("remote port forwarding failed"), refused.stderr());
        }
    }

    @Test
    void aLineWithAnUnknownOptionLetsNobodyIn() throws Exception {
        try (LogCapture log = new LogCapture(AuthorizedKeys.class)) {
            relay.start("form=\"10.0.0.0/8\",access=\"initiate\" {typo}", "access=\"initiate\" {alice}");
            assertTrue(log.lines().contains("WARN " + relay.dir().resolve("authorized_keys") + ":1: unknown option "
                    + "'form' (did you mean 'from'?); options are access, from, hostname, alias, names, permitopen, "
                    + "permitlisten, cert-authority, principals, and OpenSSH's, which do not apply here; line skipped"),
                    log.lines()::toString);
        }
        SshProcess typo = relay.run(relay.ssh("relay-typo", "list"));
        assertEquals(255, typo.process().exitValue());
        assertTrue(typo.stderr().contains("Permission denied (publickey)"), typo.stderr());
        assertEquals(0, relay.run(relay.ssh("relay-alice", "list")).process().exitValue());
    }

    @Test
    void aBindHostThatIsNoHostIsRefused() throws Exception {
        relay.start("access=\"listen\" {gw}");
        try (LogCapture log = new LogCapture(SSH_PACKAGE)) {
            SshProcess refused = relay.run(listen("gw1", "relay-gw", "h".repeat(300) + ":22:localhost:1"));
            assertNotEquals(0, refused.process().exitValue());
            assertTrue(refused.stderr().contains("remote port forwarding failed"), refused.stderr());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("is 300 bytes long, more than the 255 of any"
                    + " host name")), log.lines()::toString);
        }
        relay.listener("gw", "gw1", "gw1", "22:localhost:" + echo.port());
    }

    private List<String> listen(String user, String host, String forward) {
        List<String> command = new ArrayList<>(relay.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", forward));
        command.addAll(List.of("-l", user, host));
        return command;
    }
}
