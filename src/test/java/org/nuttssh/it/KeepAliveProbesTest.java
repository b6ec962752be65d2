package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which clients the keepalive probes: only those it has not heard from for an interval. */
class KeepAliveProbesTest {

    /** What OpenSSH's client logs at DEBUG1 for each global request it gets: the relay's probes. */
    private static final String PROBE_LOGGED = "client_input_global_request: rtype keepalive@openssh.com";
    /** Enough probes of the quiet client to show that probing goes on, at one an interval. */
    private static final int QUIET_PROBES = 3;

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void clientSendingItsOwnKeepalivesIsNeverProbed() throws Exception {
        relay.keepAlive(Duration.ofSeconds(2), 3);
        relay.start("access=\"listen\" {gw}");
        TcpTarget echo = relay.target("echo", TcpTarget.Mode.ECHO);
        String forward = "22:localhost:" + echo.port();
        SshProcess quiet = relay.listener(List.of("-o", "LogLevel=DEBUG1"), "gw", "quiet", "quiet", forward);
        SshProcess chatty = relay.listener(List.of("-o", "LogLevel=DEBUG1", "-o", "ServerAliveInterval=1"), "gw",
                "chatty", "chatty", forward);

        RelayFixture.await(quiet, QUIET_PROBES + " probes of the quiet client",
                () -> probes(quiet) >= QUIET_PROBES);

        assertEquals(0, probes(chatty), "a client heard from every second is not probed: " + chatty.stderr());
        assertTrue(chatty.isAlive() && quiet.isAlive());
    }

    private static long probes(SshProcess client) {
        return client.stderr().lines().filter(line -> line.contains(PROBE_LOGGED)).count();
    }
}
