package org.nuttssh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nuttssh.net.IpAddress;

/** The per-source-penalties and per-source-penalty-exempt settings as written, and what they refuse. */
class PerSourcePenaltiesTest {

    @Test
    void theDefaultIsOpenSshsWithATableOf16384Sources() {
        PerSourcePenalties defaults = PerSourcePenalties.parse("", List.of());

        assertTrue(defaults.enabled());
        assertEquals(Duration.ofSeconds(5), defaults.authFail());
        assertEquals(Duration.ofSeconds(1), defaults.noAuth());
        assertEquals(Duration.ofSeconds(10), defaults.graceExceeded());
        assertEquals(Duration.ofSeconds(15), defaults.min());
        assertEquals(Duration.ofMinutes(10), defaults.max());
        assertEquals(16384, defaults.maxSources());
        assertEquals(PerSourcePenalties.DEFAULT, defaults.toString());
        assertEquals(defaults, PerSourcePenalties.parse(PerSourcePenalties.DEFAULT, List.of()));
    }

    @Test
    void itemsOverrideTheDefaultInAnyOrderAndUnit() {
        PerSourcePenalties written = PerSourcePenalties.parse(" max:1h , authfail:30, noauth:0s,min:2m,"
                + "grace-exceeded:1m,max-sources:10", List.of());

        assertEquals("authfail:30s,noauth:0s,grace-exceeded:1m,min:2m,max:1h,max-sources:10", written.toString());
        assertEquals(Duration.ofSeconds(90), PerSourcePenalties.parse("min:90s", List.of()).min());
        assertEquals(Duration.ofSeconds(30), PerSourcePenalties.parse("AuthFail:30s", List.of()).authFail());
    }

    @Test
    void offTurnsThemOff() {
        assertFalse(PerSourcePenalties.parse("off", List.of()).enabled());
        assertEquals("off", PerSourcePenalties.parse(" OFF ", List.of("10.0.0.0/8")).toString());
    }

    @Test
    void exemptSourcesAreAddressesOrBlocks() {
        PerSourcePenalties penalties = PerSourcePenalties.parse("", List.of("192.0.2.7", " 10.0.0.0/8",
                "2001:db8::/48"));

        assertTrue(penalties.exempts(IpAddress.parse("192.0.2.7").orElseThrow()));
        assertFalse(penalties.exempts(IpAddress.parse("192.0.2.8").orElseThrow()));
        assertTrue(penalties.exempts(IpAddress.parse("10.200.1.1").orElseThrow()));
        assertTrue(penalties.exempts(IpAddress.parse("2001:db8:0:7::1").orElseThrow()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "authfail", "authfail:", "authfail:5x", "authfail:-5s", "authfail:5s:1",
        "authfail:5s,", "noauth:1234567890", "maxsources:5", "max-sources:5s"})
    void aBadItemIsRefusedWithTheWholeValueAndTheForm(String spec) {
        SettingException e = assertThrows(SettingException.class, () -> PerSourcePenalties.parse(spec, List.of()));

        assertEquals("per-source-penalties: '" + spec + "' (expected: off, or comma-separated KEY:VALUE items "
                + "overriding " + PerSourcePenalties.DEFAULT + " (a time is N, Ns, Nm or Nh; 0 leaves that offence "
                + "unpunished))", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"min:10m", "max:15s", "max:0", "max-sources:0"})
    void rangesThatCannotWorkAreRefused(String spec) {
        SettingException e = assertThrows(SettingException.class, () -> PerSourcePenalties.parse(spec, List.of()));

        assertEquals("per-source-penalties: '" + spec + "' (expected: min below max, and max-sources 1 or more)",
                e.getMessage());
    }

    @Test
    void aBadExemptEntryNamesItsSetting() {
        SettingException e = assertThrows(SettingException.class,
                () -> PerSourcePenalties.parse("", List.of("10.0.0.1", "10.0.0.1/8")));

        assertEquals("per-source-penalty-exempt", e.setting());
        assertTrue(e.getMessage().startsWith("per-source-penalty-exempt: '10.0.0.1,10.0.0.1/8' (expected: addresses"
                + " or CIDR blocks separated by commas, e.g. 192.0.2.7,10.0.0.0/8; invalid CIDR '10.0.0.1/8'"),
                e.getMessage());
    }
}
