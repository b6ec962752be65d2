package org.nuttssh.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nuttssh.config.MemorySize;

import com.sun.management.HotSpotDiagnosticMXBean;

import sun.misc.Signal;

/**
 * Runs the relay in a JVM of its own, started with options that keep it small, the way Elasticsearch's launcher
 * starts its server: {@code java -jar nuttssh.jar} is all a user, a script, the Docker image or the systemd unit
 * needs, and the heap is still bounded by {@code max-memory} rather than by a quarter of the machine. No JVM flag
 * that decides this can be changed once a JVM runs, so it takes a second one.
 *
 * <p>The launcher stays as the process its caller knows: the relay's JVM inherits its standard input, output and
 * error, its exit status is the launcher's, and a SIGTERM, SIGINT or SIGHUP to the launcher reaches the relay as a
 * SIGTERM, each time (the relay drains on the first and stops at the second). The relay's JVM starts with SIGINT and
 * SIGHUP ignored: a terminal's Ctrl-C or hangup reaches both JVMs, as they are in one process group, and must count
 * once, through the launcher. The relay's JVM stops when its launcher is gone, so killing the launcher leaves nothing
 * behind.
 *
 * <p>JVM options given to {@code java} go to the relay's JVM after the launcher's own, so they win; with
 * {@code -Dnuttssh.launcher=false} the relay runs in the JVM that was started, as it is.
 */
final class Launcher {

    /** {@code -Dnuttssh.launcher=false} runs the relay in this JVM. */
    static final String PROPERTY = "nuttssh.launcher";
    /** Set on the relay's JVM to its launcher's pid: it runs the relay, and stops when that process is gone. */
    static final String LAUNCHED_BY = "nuttssh.launched-by";
    /**
     * The heap starts this small and grows with the clients. The JVM's default initial heap, 1/64 of the machine's
     * memory (384 MB on a 24 GiB machine), let a relay's heap reach that size before it collected much at all.
     */
    static final String INITIAL_HEAP = "16m";
    /**
     * The JVM options of the relay, measured side by side in bench/run (docs/performance.md). G1 (the JVM would
     * pick the serial collector in a small container): the serial one kept less memory but cost 50 % more CPU per
     * gigabyte relayed. G1 grows the heap when collections take more than 1 / (1 + GCTimeRatio) of the time; at
     * its default of 12 a burst of handshakes or a bulk transfer grew it to its maximum, at 1 it stays near what is
     * live, and the relay's collections (little survives them) stay short. After a burst, the heap shrinks back to
     * 5-20 % free space at a collection made after a minute without one, instead of keeping its peak size. Such a
     * collection marks the whole heap, and an idle relay has few others: after 5 s, as before issue 33, a node
     * holding 15,000 devices marked its heap all the time (docs/performance.md, "Density").
     */
    static final List<String> HEAP_POLICY = List.of("-XX:+UseG1GC", "-XX:GCTimeRatio=1", "-XX:MinHeapFreeRatio=5",
            "-XX:MaxHeapFreeRatio=20", "-XX:G1PeriodicGCInterval=60000");
    /**
     * A relay that cannot allocate must stop, not limp on: an OutOfMemoryError kills whichever thread hit it (an SSH
     * I/O thread, the event loop, a timer), and what is left keeps its port, its names in the registry and its place
     * in the cluster while serving nobody. Exiting hands its clients to the other nodes (the cluster drops its names
     * and circuits) and lets the orchestrator, systemd or Docker start it again.
     */
    static final String EXIT_ON_OUT_OF_MEMORY = "-XX:+ExitOnOutOfMemoryError";

    /** What a terminal sends its whole foreground process group: Ctrl-C, and a hangup when it closes. */
    static final List<String> SENT_BY_TERMINALS = List.of("INT", "HUP");
    /**
     * Starts its arguments with {@link #SENT_BY_TERMINALS} ignored, which a program inherits and a JVM started so
     * keeps. The launcher cannot ignore them itself for its child to inherit: once a JVM ignores one of them, it can
     * never handle it again.
     */
    private static final List<String> IGNORING_TERMINAL_SIGNALS = List.of("/bin/sh", "-c",
            "trap '' " + String.join(" ", SENT_BY_TERMINALS) + "; exec \"$@\"", "sh");

    private Launcher() {
    }

    /** Whether this JVM should start the relay's JVM rather than run the relay itself. */
    static boolean wanted() {
        return System.getProperty(LAUNCHED_BY) == null && !"false".equals(System.getProperty(PROPERTY));
    }

    /**
     * Starts the relay's JVM with {@code args}, passes SIGTERM, SIGINT and SIGHUP on, and returns its exit status.
     *
     * @param mainClass what the relay's JVM runs when it is not started from the jar
     * @param maxMemory the relay's heap bound, in bytes
     */
    static int launch(String[] args, String mainClass, long maxMemory) {
        Process relay;
        try {
            relay = new ProcessBuilder(terminalSignalsIgnored(command(args, mainClass, maxMemory))).inheritIO()
                    .start();
        } catch (IOException e) {
            System.err.println("nuttssh: cannot start the relay's JVM: " + e.getMessage());
            return ExitStatus.STARTUP_FAILED;
        }
        // Process.destroy() sends SIGTERM: the only signal the JDK can send, and the one the relay drains on.
        Signal.handle(new Signal("TERM"), signal -> relay.destroy());
        SENT_BY_TERMINALS.forEach(name -> Signal.handle(new Signal(name), signal -> relay.destroy()));
        shrinkHeap();
        while (true) {
            try {
                return relay.waitFor();
            } catch (InterruptedException e) {
                // Nothing interrupts this thread on purpose; the relay's exit is what ends the launcher.
            }
        }
    }

    /**
     * Gives back the heap that reading the settings touched: the launcher runs with the JVM's defaults, whose first
     * young generation (tens of MB on a large machine) would otherwise stay resident while the launcher only waits.
     */
    private static void shrinkHeap() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        try {
            hotspot.setVMOption("MinHeapFreeRatio", "0");
            hotspot.setVMOption("MaxHeapFreeRatio", "0");
        } catch (IllegalArgumentException e) {
            return; // given on the command line, or not a HotSpot JVM: its own policy stays
        }
        System.gc();
    }

    /** In the relay's JVM: stops the JVM (through its shutdown hooks) once the launcher is gone. */
    static void stopWithLauncher() {
        String launcher = System.getProperty(LAUNCHED_BY);
        if (launcher == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(launcher)).ifPresentOrElse(
                handle -> handle.onExit().thenRun(Launcher::launcherGone), Launcher::launcherGone);
    }

    private static void launcherGone() {
        System.err.println("nuttssh: the launcher process is gone; stopping");
        System.exit(ExitStatus.STARTUP_FAILED);
    }

    static List<String> terminalSignalsIgnored(List<String> command) {
        List<String> wrapped = new ArrayList<>(IGNORING_TERMINAL_SIGNALS);
        wrapped.addAll(command);
        return wrapped;
    }

    /** The relay's JVM: this java, the computed options, then the user's own, then this program and its args. */
    static List<String> command(String[] args, String mainClass, long maxMemory) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(maxMemory));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + LAUNCHED_BY + "=" + ProcessHandle.current().pid());
        String classPath = System.getProperty("java.class.path");
        boolean jar = classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
                && System.getProperty("sun.java.command", "").startsWith(classPath);
        // Only -jar reads the jar's manifest, which opens the JDK internals Hazelcast needs.
        command.addAll(jar ? List.of("-jar", classPath) : List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** The options computed for a relay bounded to {@code maxMemory} bytes of heap. */
    static List<String> jvmOptions(long maxMemory) {
        List<String> options = new ArrayList<>(List.of("-Xms" + INITIAL_HEAP, "-Xmx" + MemorySize.format(maxMemory)));
        options.addAll(HEAP_POLICY);
        options.add(EXIT_ON_OUT_OF_MEMORY);
        return options;
    }
}
