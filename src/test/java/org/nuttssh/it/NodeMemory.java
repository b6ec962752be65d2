package org.nuttssh.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a relay node's JVM holds: its heap in use right after a full collection (what is live), and its resident
 * memory. A relay in a JVM of its own is asked with {@code jcmd}; one in this JVM through the memory bean.
 */
final class NodeMemory {

    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final long JCMD_SECONDS = 30;

    private NodeMemory() {
    }

    /** Heap in use in the JVM {@code pid} after {@code jcmd GC.run}; fails if it does not answer in time. */
    static long heapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new AssertionError("no heap figure from jcmd " + pid + " GC.heap_info");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** Heap in use in this JVM after a full collection (the relays of this JVM, the test's own objects too). */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident memory of process {@code pid}, in bytes. */
    static long rss(long pid) throws IOException {
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8));
        if (!rss.find()) {
            throw new AssertionError("no VmRSS for process " + pid);
        }
        return Long.parseLong(rss.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("jcmd", ".txt");
        try {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            boolean done = jcmd.waitFor(JCMD_SECONDS, TimeUnit.SECONDS);
            if (!done) {
                jcmd.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!done || jcmd.exitValue() != 0) {
                throw new AssertionError("jcmd " + pid + " " + command + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
