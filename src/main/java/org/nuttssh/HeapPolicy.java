package org.nuttssh;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

/**
 * Makes the JVM hand heap back to the system once a burst is over. A relay mostly holds idle connections (about
 * 25 KB of live heap each), but every handshake makes garbage; with the JVM's defaults the heap grows during a burst
 * of logins and keeps that size, so resident memory per idle client ended up at four times its live size (~110 KB).
 * With these settings the collector runs when the relay has been idle for a few seconds and shrinks the heap to
 * 5-20 % free space: ~44-50 KB resident per idle client at 5000 clients (docs/performance.md). G1 applies the ratios
 * only after a full or concurrent cycle, not after the young collections of a busy relay, so throughput is as before.
 *
 * <p>The settings are "manageable" HotSpot flags, so the relay sets them itself at start and {@code java -jar} needs
 * no extra options. Any of them given on the java command line wins.
 */
final class HeapPolicy {

    private static final Logger log = LoggerFactory.getLogger(HeapPolicy.class);

    /** In this order: the minimum free ratio must drop before the maximum may go below its default minimum. */
    static final Map<String, String> SETTINGS = settings();

    private HeapPolicy() {
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("MinHeapFreeRatio", "5");
        settings.put("MaxHeapFreeRatio", "20");
        settings.put("G1PeriodicGCInterval", "5000"); // ms without a collection before an idle-time one
        return settings;
    }

    /** @return the settings that were applied (those not given on the command line and known to this JVM) */
    static Map<String, String> apply() {
        Map<String, String> applied = new LinkedHashMap<>();
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        SETTINGS.forEach((name, value) -> {
            try {
                VMOption option = hotspot.getVMOption(name);
                if (option.getOrigin() == VMOption.Origin.DEFAULT || option.getOrigin() == VMOption.Origin.ERGONOMIC) {
                    hotspot.setVMOption(name, value);
                    applied.put(name, value);
                }
            } catch (IllegalArgumentException | SecurityException e) {
                // Not a HotSpot JVM, or a flag it does not have: its own heap policy stays.
                log.debug("heap policy: cannot set {}={}: {}", name, value, e.getMessage());
            }
        });
        return applied;
    }
}
