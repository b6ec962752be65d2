package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The relay runs in a JVM of its own, sized by max-memory, which goes when its launcher goes. */
class LauncherTest {

    /**
     * Runs a command with SIGINT and SIGHUP handled as by default, as from a terminal: a shell that starts a job in
     * the background (as CI's may have started this test) ignores them for it, and neither a shell nor a JVM can undo
     * that for its children. Perl can, and Debian's perl-base is always installed.
     */
    private static final List<String> WITH_TERMINAL_SIGNALS = List.of("perl", "-e",
            "$SIG{$_} = 'DEFAULT' for qw(INT HUP); exec @ARGV or die \"exec: $!\"");

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @Test
    void theRelaysJvmIsSizedByMaxMemoryAndStopsWhenItsLauncherIsKilled() throws Exception {
        RelayProcess launcher = relay.startProcess(List.of("--max-memory", "96m"), "access=\"listen\" {gw}");
        List<ProcessHandle> children = launcher.handle().children().toList();
        assertEquals(1, children.size(), children.toString());
        ProcessHandle jvm = children.get(0);
        // ProcessHandle.Info leaves out command lines as long as a test class path; /proc has them whole.
        List<String> arguments = List.of(Files.readString(Path.of("/proc/" + jvm.pid() + "/cmdline")).split("\0"));
        assertTrue(arguments.contains("-Xmx96m") && arguments.contains("-XX:GCTimeRatio=1")
                && arguments.contains("-XX:+ExitOnOutOfMemoryError"), arguments.toString());

        launcher.signal("KILL");

        jvm.onExit().get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(relay.run(relay.ssh("relay-gw", "whoami")).waitFor(RelayFixture.TIMEOUT) != 0,
                "nothing is left listening");
    }

    /**
     * A terminal's Ctrl-C or hangup reaches the launcher and the relay's JVM alike, which the kill of both emulates:
     * the relay drains once (exit 0, not "stopping now") rather than stopping at once or not at all.
     */
    @ParameterizedTest
    @ValueSource(strings = {"INT", "HUP"})
    void sigintAndSighupReachTheRelayOnceThroughTheLauncher(String signal) throws Exception {
        RelayProcess launcher = relay.startProcess(WITH_TERMINAL_SIGNALS, List.of(), "access=\"listen\" {gw}");
        ProcessHandle jvm = launcher.handle().children().findFirst().orElseThrow();

        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(launcher.handle().pid()),
                String.valueOf(jvm.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);

        assertEquals(0, launcher.waitFor(RelayFixture.TIMEOUT), launcher.logText());
        String log = launcher.logText();
        assertTrue(log.contains("SIGTERM: shutting down gracefully") && !log.contains("stopping now"), log);
    }
}
