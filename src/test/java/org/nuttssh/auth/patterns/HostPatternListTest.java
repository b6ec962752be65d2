package org.nuttssh.auth.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nuttssh.auth.dns.HostName;

class HostPatternListTest {

    @ParameterizedTest(name = "{0} vs {1} ({2}) -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # patterns                  | address        | host name        | matches
            *                           | 10.1.2.3       | -                | true
            *.example.org               | 10.1.2.3       | -                | false
            *.example.org               | 10.1.2.3       | a.example.org    | true
            *.example.org               | 10.1.2.3       | A.Example.ORG    | true
            *.example.org               | 10.1.2.3       | example.org      | false
            *.example.org               | 10.1.2.3       | a.example.org.ev | false
            host.example.org            | 10.1.2.3       | host.example.org | true
            host.example.org            | 10.1.2.3       | xhost.example.org| false
            192.168.?.1                 | 192.168.5.1    | -                | true
            192.168.?.1                 | 192.168.15.1   | -                | false
            192.168.*                   | 192.168.200.7  | -                | true
            192.168.*                   | 10.0.0.1       | 192.168.1.1      | false
            10.*                        | 10.9.9.9       | -                | true
            10.*                        | 192.168.1.1    | 10.example.org   | false
            10.0.0.0/8                  | 10.255.0.1     | -                | true
            10.0.0.0/8                  | 11.0.0.1       | -                | false
            172.16.0.0/12               | 172.31.255.255 | -                | true
            172.16.0.0/12               | 172.32.0.0     | -                | false
            0.0.0.0/0                   | 1.2.3.4        | -                | true
            0.0.0.0/0                   | ::1            | -                | false
            192.168.1.7                 | 192.168.1.7    | -                | true
            192.168.1.7                 | 192.168.1.70   | -                | false
            192.168.1.7/32              | 192.168.1.7    | -                | true
            2001:db8::/32               | 2001:db8:1::5  | -                | true
            2001:db8::/32               | 2001:db9::5    | -                | false
            2001:db8::/32               | 10.0.0.1       | -                | false
            ::1/128                     | ::1            | -                | true
            ::1/128                     | ::2            | -                | false
            ::1                         | 0:0:0:0:0:0:0:1| -                | true
            2001:DB8::1                 | 2001:db8::1    | -                | true
            2001:db8::1                 | 2001:db8::1%eth0| -               | true
            2001:db8::*                 | 2001:0db8:0:0::7| -               | true
            fe80::/10                   | fe80::1        | -                | true
            !10.0.0.1,10.0.0.0/8        | 10.0.0.1       | -                | false
            !10.0.0.1,10.0.0.0/8        | 10.0.0.2       | -                | true
            10.0.0.0/8,!10.0.0.1        | 10.0.0.1       | -                | false
            !10.0.0.1                   | 10.0.0.2       | -                | false
            !10.0.0.1                   | 10.0.0.1       | -                | false
            !*.bad.org,*                | 10.0.0.1       | x.bad.org        | false
            !*.bad.org,*                | 10.0.0.1       | x.good.org       | true
            !*.bad.org,*                | 10.0.0.1       | -                | true
            *.good.org,10.0.0.0/8       | 10.0.0.1       | -                | true
            *.good.org,10.0.0.0/8       | 11.0.0.1       | x.good.org       | true
            *.good.org,10.0.0.0/8       | 11.0.0.1       | x.bad.org        | false
            ' 10.0.0.1 , 10.0.0.2 '     | 10.0.0.2       | -                | true
            """)
    void matchesLikeOpenSsh(String patterns, String address, String hostName, boolean expected) {
        assertEquals(expected, HostPatternList.parse(patterns).matches(address, HostName.of(hostName)));
    }

    /** A name still being looked up: name globs do not admit, negated ones refuse, addresses decide as usual. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *.good.org              | 10.0.0.1 | false
            *.good.org,10.0.0.0/8   | 10.0.0.1 | true
            !*.bad.org,*            | 10.0.0.1 | false
            !*.bad.org,10.0.0.0/8   | 10.0.0.1 | false
            !10.0.0.2,10.0.0.0/8    | 10.0.0.1 | true
            !192.168.*,*            | 10.0.0.1 | true
            """)
    void anUnknownNameFailsClosed(String patterns, String address, boolean expected) {
        assertEquals(expected, HostPatternList.parse(patterns).matches(address, HostName.UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33        | prefix length '33' must be a number from 0 to 32
            10.0.0.0/-1        | prefix length '-1' must be a number from 0 to 32
            1.2.3.4/x          | prefix length 'x' must be a number from 0 to 32
            1.2.3.4/           | prefix length '' must be a number from 0 to 32
            2001:db8::/129     | prefix length '129' must be a number from 0 to 128
            10.0.0.1/8         | bits set beyond the /8 prefix
            1.2.3/8            | '1.2.3' is not an IPv4 or IPv6 address
            host/8             | 'host' is not an IPv4 or IPv6 address
            10.0.0.0/8/8       | expected address/prefix-length
            10.0.0.256         | invalid address '10.0.0.256'
            010.0.0.1          | invalid address '010.0.0.1'
            1.2.3              | invalid address '1.2.3'
            2001:db8:::1       | invalid address '2001:db8:::1'
            1:2:3:4:5:6:7:8:9  | invalid address '1:2:3:4:5:6:7:8:9'
            10.0.0.1,,10.0.0.2 | empty pattern in list '10.0.0.1,,10.0.0.2'
            10.0.0.1,          | empty pattern in list
            !                  | '!' must be followed by a pattern
            a b                | invalid character ' ' in pattern 'a b'
            !!10.0.0.1         | invalid character '!' in pattern '!10.0.0.1'
            """)
    void rejectsInvalidPatterns(String patterns, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostPatternList.parse(patterns));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8               | false
            192.168.?.1              | false
            *                        | false
            2001:db8:*               | false
            *.example.org            | true
            host                     | true
            10.0.0.0/8,!*.bad.org    | true
            """)
    void knowsWhenTheHostNameMatters(String patterns, boolean needsName) {
        assertEquals(needsName, HostPatternList.parse(patterns).needsHostName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8,!10.0.0.1
            *.example.org
            """)
    void keepsTheTextAsWritten(String patterns) {
        assertEquals(patterns, HostPatternList.parse(patterns).toString());
    }
}
