package org.nuttssh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nuttssh.testing.Await;

/**
 * The relay in a child JVM, {@code java -cp <test class path> org.nuttssh.cli.Main ARGS}, the way an operator runs the
 * jar: signals, exit status and the log on stderr are the real ones.
 */
final class RelayProcess implements AutoCloseable {

    private static final Pattern SSH_PORT = Pattern.compile("nuttssh listening on \\S+ port (\\d+)");
    /** The JSON log format writes slashes as {@code \/}. */
    private static final Pattern METRICS_PORT = Pattern.compile("metrics on http:(?:\\\\?/){2}[^:]+:(\\d+)");

    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RelayProcess start(Path dir, List<String> args) throws IOException {
        return start(dir, List.of(), args);
    }

    /** @param wrapper a command that runs the relay's command line, given as its arguments */
    static RelayProcess start(Path dir, List<String> wrapper, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "org.nuttssh.cli.Main"));
        command.addAll(args);
        Path log = Files.createTempFile(dir, "relay", ".log");
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile())
                .start();
        return new RelayProcess(process, log);
    }

    int sshPort(Duration timeout) throws Exception {
        return awaitNumber(SSH_PORT, timeout);
    }

    int metricsPort(Duration timeout) throws Exception {
        return awaitNumber(METRICS_PORT, timeout);
    }

    /** Sends a signal by name, e.g. TERM, as {@code kill -TERM} would. */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** @return the exit status; fails with the log if the process is still running after {@code timeout} */
    int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("relay still running after " + timeout + "; log:\n" + logText());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The process started: the launcher, whose child runs the relay (see {@code Launcher}). */
    ProcessHandle handle() {
        return process.toHandle();
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int awaitNumber(Pattern pattern, Duration timeout) throws IOException {
        try {
            return Await.value(pattern + " in the relay's log", timeout, () -> {
                Optional<Integer> found = logLines().stream().map(pattern::matcher).filter(Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1))).findFirst();
                if (found.isEmpty() && !process.isAlive()) {
                    throw new AssertionError("relay exited with " + process.exitValue() + "; log:\n" + logText());
                }
                return found;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ":\n" + logText(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
