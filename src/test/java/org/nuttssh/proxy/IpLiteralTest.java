package org.nuttssh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "127.0.0.3, 127.0.0.3",
            "255.255.255.255, 255.255.255.255",
            "10.0.0.10, 10.0.0.10",
    })
    void parsesDottedQuads(String text, String expected) {
        assertEquals(expected, IpLiteral.ipv4(text).map(InetAddress::getHostAddress).orElse("rejected"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..3.4", "1.2.3.4.", "+1.2.3.4",
            "1.2.3.-4", "0x1.2.3.4", "1234", "localhost", "::1", " 1.2.3.4", "1.2.3.0004"})
    void rejectsAnythingButDottedQuads(String text) {
        assertEquals(Optional.empty(), IpLiteral.ipv4(text));
    }

    @ParameterizedTest
    @CsvSource({
            "::, 0:0:0:0:0:0:0:0",
            "::1, 0:0:0:0:0:0:0:1",
            "1::, 1:0:0:0:0:0:0:0",
            "2001:db8::1, 2001:db8:0:0:0:0:0:1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8:0:0:0:0:0:1",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6::8, 1:2:3:4:5:6:0:8",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:192.0.2.1, 192.0.2.1",
            "64:ff9b::192.0.2.1, 64:ff9b:0:0:0:0:c000:201",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    })
    void parsesIpv6Text(String text, String expected) {
        assertEquals(expected, IpLiteral.ipv6(text).map(InetAddress::getHostAddress).orElse("rejected"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
            "::1:2:3:4:5:6:7:8", "12345::", "g::1", "::1%eth0", "[::1]", "1.2.3.4", "1.2.3.4::", "::1.2.3",
            "1:2:3:4:5:6:7:1.2.3.4", "::-1", "::+1", "localhost", "fe80:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1"})
    void rejectsAnythingButIpv6Text(String text) {
        assertEquals(Optional.empty(), IpLiteral.ipv6(text));
    }
}
