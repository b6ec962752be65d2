package org.nuttssh.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.nuttssh.cluster.membership.ClusterFormats;

/**
 * The relay's previous release, as a jar built from the commit {@value #FILE} names: the release every build must join
 * in a rolling upgrade. Built once with Maven from {@code git archive} of this repository (so CI needs a clone with
 * that commit, which a full clone has) and kept under {@code target/}, so that a second run does not build it again.
 */
final class PreviousRelease {

    static final String FILE = ".ci/previous-release";
    static final String OVERRIDE = "nuttssh.previous-release";
    /** Downloading what ~/.m2 lacks, then compiling and shading: about 10 s with a warm ~/.m2, minutes with a cold. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Path CACHE = Path.of("target", "previous-release");
    /** Where a jar keeps its version, as {@link org.nuttssh.config.RelayVersion} reads it. */
    private static final String VERSION_RESOURCE = "nuttssh-version.properties";

    private PreviousRelease() {
    }

    /**
     * The commit {@value #FILE} names (its first line that is neither empty nor a comment), or the system property
     * {@value #OVERRIDE}: to see the test fail from a release this one cannot join, e.g. 0352cbd, before df46318's
     * sealed records.
     */
    static String commit() throws IOException {
        String chosen = System.getProperty(OVERRIDE, "").trim();
        if (!chosen.isEmpty()) {
            return chosen;
        }
        return Files.readAllLines(Path.of(FILE), StandardCharsets.UTF_8).stream().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).findFirst()
                .orElseThrow(() -> new AssertionError(FILE + " names no commit (expected: a line such as df46318)"));
    }

    /** The previous release's jar, built now unless an earlier run left it in {@code target/}. */
    static Path jar() throws Exception {
        String commit = commit();
        Path jar = CACHE.resolve(commit + ".jar").toAbsolutePath();
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path source = CACHE.resolve(commit).toAbsolutePath();
        Path log = CACHE.resolve(commit + ".log").toAbsolutePath();
        Files.createDirectories(source);
        run(List.of("bash", "-c", "set -o pipefail; git archive --format=tar \"$0\" | tar -x -C \"$1\"", commit,
                source.toString()), Path.of("."), log, Duration.ofMinutes(1),
                "cannot export commit " + commit + " named in " + FILE + " (a shallow clone lacks it: git fetch "
                        + "--unshallow)");
        run(List.of("mvn", "-B", "-q", "package", "-DskipTests"), source, log, BUILD_TIMEOUT,
                "cannot build the previous release " + commit + " with Maven (it needs Maven Central or a ~/.m2 "
                        + "that holds its dependencies)");
        Files.copy(source.resolve("target/nuttssh.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    /**
     * The release a node of {@code jar} announces to the cluster (what {@code list -c} shows for it): the jar's
     * version, or {@link ClusterFormats#UNANNOUNCED} for a release from before nodes announced one (0.1, df46318).
     */
    static String announcedRelease(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(ClusterFormats.class.getName().replace('.', '/') + ".class") == null) {
                return ClusterFormats.UNANNOUNCED;
            }
            Properties version = new Properties();
            try (var in = file.getInputStream(file.getEntry(VERSION_RESOURCE))) {
                version.load(in);
            }
            return version.getProperty("version");
        }
    }

    private static void run(List<String> command, Path dir, Path log, Duration timeout, String failure)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(failure + ": " + String.join(" ", command) + " did not finish within "
                    + timeout.toMinutes() + " min; its output is in " + log + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(failure + ": " + String.join(" ", command) + " exited with "
                    + process.exitValue() + "; its output is in " + log + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
