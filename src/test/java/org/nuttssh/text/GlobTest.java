package org.nuttssh.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one wildcard matcher: whole-text matches, {@code *} backtracking, characters compared exactly. */
class GlobTest {

    @ParameterizedTest(name = "[{index}] {0} ~ {1}")
    @CsvSource({
            "gw-*,      gw-1,        true",
            "gw-*,      gw-,         true",
            "gw-*,      xgw-1,       false",
            "gw-?,      gw-12,       false",
            "*-1,       gw-a-1,      true",
            "*a*b,      xaxxab,      true",
            "*a*b,      xaxxa,       false",
            "**,        '',          true",
            "?,         '',          false",
            "GW-*,      gw-1,        false",
            "gw,        gw,          true",
    })
    void matchesTheWholeText(String pattern, String text, boolean matches) {
        assertEquals(matches, Glob.matches(pattern, text));
    }
}
