package org.nuttssh.config;

import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;

/**
 * The ciphers the relay offers. A client takes the first cipher of its own list that the server also offers, so
 * the offer decides: stock OpenSSH prefers chacha20-poly1305, which MINA runs in plain Java at a quarter of the speed
 * of AES-GCM on the JDK's AES instructions. The default therefore offers AES-GCM only (every OpenSSH since 6.2);
 * clients without it (old dropbear) need {@code --ciphers} with {@code aes128-ctr} added.
 */
public final class Ciphers {

    public static final String DEFAULT = "aes128-gcm@openssh.com,aes256-gcm@openssh.com";

    private Ciphers() {
    }

    /** @throws SettingException naming the first name MINA does not know or cannot run here */
    public static List<NamedFactory<Cipher>> parse(String commaSeparated) {
        List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            String trimmed = name.trim();
            BuiltinCiphers cipher = BuiltinCiphers.fromFactoryName(trimmed);
            if (cipher == null || !cipher.isSupported() || cipher == BuiltinCiphers.none) {
                throw new SettingException("ciphers", trimmed, "a comma-separated list of " + supported());
            }
            ciphers.add(cipher);
        }
        return ciphers;
    }

    private static String supported() {
        return String.join(", ", BuiltinCiphers.VALUES.stream()
                .filter(c -> c.isSupported() && c != BuiltinCiphers.none).map(BuiltinCiphers::getName).toList());
    }
}
