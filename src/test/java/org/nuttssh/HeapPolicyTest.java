package org.nuttssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import com.sun.management.HotSpotDiagnosticMXBean;

class HeapPolicyTest {

    private final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void setsTheFlagsOnceAndLeavesSettingsThatDidNotComeFromTheDefaults() {
        HeapPolicy.apply();
        HeapPolicy.SETTINGS.forEach((name, value) ->
                assertEquals(value, hotspot.getVMOption(name).getValue(), name));
        // Now they are set by management, like a value given on the command line would be: left alone.
        assertTrue(HeapPolicy.apply().isEmpty(), "a second apply changes nothing");
    }
}
