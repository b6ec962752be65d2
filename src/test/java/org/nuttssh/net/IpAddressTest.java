package org.nuttssh.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0                     | 0.0.0.0
            192.168.1.200               | 192.168.1.200
            ::                          | ::
            ::1                         | ::1
            0:0:0:0:0:0:0:1             | ::1
            2001:0DB8:0000:0000:0000:0000:0000:0001 | 2001:db8::1
            2001:db8:0:0:1:0:0:1        | 2001:db8::1:0:0:1
            2001:db8:0:1:1:1:1:1        | 2001:db8:0:1:1:1:1:1
            1::                         | 1::
            fe80::1:2                   | fe80::1:2
            ::ffff:10.1.2.3             | ::ffff:10.1.2.3
            64:ff9b::192.0.2.33         | 64:ff9b::c000:221
            """)
    void parsesAndFormatsCanonically(String text, String canonical) throws Exception {
        IpAddress address = IpAddress.parse(text).orElseThrow();
        assertEquals(canonical, address.toString());
        // The canonical form must denote the same address as Java's own parser says.
        assertEquals(InetAddress.getByName(canonical), address.toInetAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", ":::",
        "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1.2.3.4::", "::1.2.3", ":1::",
        "1::2:", "localhost", "٣.1.1.1"})
    void refusesNonLiterals(String text) {
        assertTrue(IpAddress.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "127.0.0.3, 127.0.0.3",
            "255.255.255.255, 255.255.255.255",
            "::, 0:0:0:0:0:0:0:0",
            "1:2:3:4:5:6::8, 1:2:3:4:5:6:0:8",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:192.0.2.1, 192.0.2.1",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    })
    void givesTheJdkAddressAnIpv4MappedOneAsIpv4(String text, String expected) {
        assertEquals(expected, IpAddress.parse(text).map(a -> a.toInetAddress().getHostAddress()).orElse("refused"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1..3.4", "1.2.3.4.", "+1.2.3.4", "0x1.2.3.4", "1234", " 1.2.3.4", "1.2.3.0004", ":",
            "1:2:3:4:5:6:7::8", "::1:2:3:4:5:6:7:8", "::1%eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "::-1", "::+1",
            "fe80:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1"})
    void refusesWhatAHeaderOrPatternMightHold(String text) {
        assertEquals(Optional.empty(), IpAddress.parse(text));
    }
}
