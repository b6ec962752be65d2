package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What the launcher starts: its own options first, then the user's, then this program with the same arguments. */
class LauncherCommandTest {

    @Test
    void theHeapFollowsMaxMemoryAndTheUsersOptionsComeAfter() {
        List<String> command = command("--max-memory", "1g", "--port", "2222");
        int heap = command.indexOf("-Xmx1g");
        assertTrue(heap > 0, command.toString());
        assertTrue(command.containsAll(Launcher.HEAP_POLICY), command.toString());
        List<String> given = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(!given.isEmpty() && command.indexOf(given.get(0)) > heap, "the user's options win: " + command);
        assertTrue(command.contains("-D" + Launcher.LAUNCHED_BY + "=" + ProcessHandle.current().pid()));
        assertEquals(List.of(Main.class.getName(), "--max-memory", "1g", "--port", "2222"),
                command.subList(command.size() - 5, command.size()));
    }

    @Test
    void theRelaysJvmExitsWhenItRunsOutOfMemory() {
        List<String> command = command();
        List<String> given = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(command.indexOf("-XX:+ExitOnOutOfMemoryError") > 0, command.toString());
        assertTrue(given.isEmpty() || command.indexOf("-XX:+ExitOnOutOfMemoryError") < command.indexOf(given.get(0)),
                "one of the launcher's own options: " + command);
    }

    @Test
    void aCommandLineTheRelayWillRefuseGetsTheDefaultHeap() {
        assertTrue(command("--max-memory", "lots").contains("-Xmx256m"));
        assertTrue(command("--prot", "1").contains("-Xmx256m"));
    }

    /** What {@link Main} starts for {@code args}. */
    private static List<String> command(String... args) {
        return Launcher.command(args, Main.class.getName(), NuttsshCommand.maxMemory(args));
    }
}
