package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay runs in a JVM of its own, sized by max-memory, which goes when its launcher goes. */
class LauncherTest {

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
        assertTrue(arguments.contains("-Xmx96m") && arguments.contains("-XX:GCTimeRatio=1"), arguments.toString());

        launcher.signal("KILL");

        jvm.onExit().get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(relay.run(relay.ssh("relay-gw", "whoami")).waitFor(RelayFixture.TIMEOUT) != 0,
                "nothing is left listening");
    }
}
