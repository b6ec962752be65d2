package org.nuttssh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshAlgorithmsTest {

    private static List<String> ciphers(String setting) {
        return SshAlgorithms.names(SshAlgorithms.parse(setting, "", "", "").ciphers());
    }

    @Test
    void theDefaultsAreThePolicy() {
        SshAlgorithms defaults = SshAlgorithms.defaults();
        assertEquals(List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
                "aes128-ctr", "aes192-ctr", "aes256-ctr"), SshAlgorithms.names(defaults.ciphers()));
        assertEquals(List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256",
                "hmac-sha2-512"), SshAlgorithms.names(defaults.macs()));
        for (List<String> names : List.of(SshAlgorithms.names(defaults.ciphers()),
                SshAlgorithms.names(defaults.macs()), SshAlgorithms.names(defaults.keyExchanges()),
                SshAlgorithms.names(defaults.hostKeyAlgorithms()))) {
            assertTrue(names.stream().noneMatch(n -> n.contains("sha1") || n.equals("ssh-rsa") || n.contains("cbc")
                    || n.contains("md5") || n.startsWith("ssh-dss")), names.toString());
        }
        assertTrue(SshAlgorithms.names(defaults.keyExchanges()).contains("curve25519-sha256"));
        assertTrue(SshAlgorithms.names(defaults.hostKeyAlgorithms()).contains("ssh-ed25519"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "aes256-ctr,aes128-gcm@openssh.com | aes256-ctr,aes128-gcm@openssh.com",
        "' aes256-ctr , aes128-ctr ' | aes256-ctr,aes128-ctr",
        "+aes128-cbc | aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,"
                + "aes192-ctr,aes256-ctr,aes128-cbc",
        "+aes128-ctr | aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,"
                + "aes192-ctr,aes256-ctr",
        "-chacha20-poly1305@openssh.com,aes192-ctr | aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,"
                + "aes256-ctr",
        "-*-ctr | aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
        "-aes???-gcm@openssh.com | chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
        "-rot13 | aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,"
                + "aes192-ctr,aes256-ctr",
        "^aes256-ctr | aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
                + "aes128-ctr,aes192-ctr",
    })
    void openSshsFormsReplaceAppendRemoveAndPutFirst(String setting, String expected) {
        assertEquals(List.of(expected.split(",")), ciphers(setting));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "aes128-gcm@openssh.com,rot13 | ciphers: 'rot13' (expected: a comma-separated list of ",
        "+rot13 | ciphers: 'rot13' (expected: ",
        "none | ciphers: 'none' (expected: ",
        "-* | ciphers: '-*' (expected: at least one algorithm; ",
        "',' | ciphers: ',' (expected: at least one algorithm; ",
    })
    void badCipherSettingsSayWhatWouldDo(String setting, String message) {
        SettingException e = assertThrows(SettingException.class, () -> ciphers(setting));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals("ciphers", e.setting());
        assertTrue(e.getMessage().contains("aes256-ctr") && e.getMessage().contains("+LIST"), e.getMessage());
    }

    @Test
    void eachSettingNamesItselfInItsErrors() {
        assertEquals("macs", assertThrows(SettingException.class,
                () -> SshAlgorithms.parse("", "hmac-sha3", "", "")).setting());
        assertEquals("kex-algorithms", assertThrows(SettingException.class,
                () -> SshAlgorithms.parse("", "", "diffie-hellman-group99", "")).setting());
        assertEquals("host-key-algorithms", assertThrows(SettingException.class,
                () -> SshAlgorithms.parse("", "", "", "ssh-rsa2")).setting());
    }

    @Test
    void aFallbackForOldClientsCanBeAddedBackByName() {
        SshAlgorithms algorithms = SshAlgorithms.parse("", "+hmac-sha1", "+diffie-hellman-group14-sha1", "+ssh-rsa");
        assertEquals("hmac-sha1", SshAlgorithms.names(algorithms.macs()).get(4));
        assertTrue(SshAlgorithms.names(algorithms.keyExchanges()).contains("diffie-hellman-group14-sha1"));
        assertEquals("ssh-rsa", SshAlgorithms.names(algorithms.hostKeyAlgorithms()).get(
                algorithms.hostKeyAlgorithms().size() - 1));
    }
}
