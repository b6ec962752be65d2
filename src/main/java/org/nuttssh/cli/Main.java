package org.nuttssh.cli;

/**
 * {@code java -jar nuttssh.jar}: runs the relay in a JVM of its own, sized by max-memory ({@link Launcher}), or, in
 * that JVM or when asked to run in place, the {@code nuttssh} command itself.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (Launcher.wanted()) {
            System.exit(Launcher.launch(args, Main.class.getName(), NuttsshCommand.maxMemory(args)));
        }
        int status = ExitStatus.STARTUP_FAILED;
        try {
            status = NuttsshCommand.commandLine(System.err, System.getenv()).execute(args);
        } catch (Throwable unexpected) {
            // An Error escaping here would leave Hazelcast's threads keeping a node alive that never listens.
            System.err.println("nuttssh: " + unexpected);
        } finally {
            System.exit(status);
        }
    }
}
