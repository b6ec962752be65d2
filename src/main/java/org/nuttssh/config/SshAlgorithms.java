package org.nuttssh.config;

import java.util.List;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;

/**
 * The algorithms the relay speaks, each list in the relay's order of preference. The policy (docs/decisions.md):
 * authenticated encryption or encrypt-then-MAC for every client that has it, nothing with SHA-1, and the NIST curves
 * that OpenSSH offers too. The relay, not the client, picks the cipher and MAC ({@code ssh.ServerPreference}), so
 * a list may hold a fallback for old clients without a client that has better ever getting it.
 *
 * @param ciphers           the {@code ciphers} setting
 * @param macs              the {@code macs} setting
 * @param keyExchanges      the {@code kex-algorithms} setting
 * @param hostKeyAlgorithms the {@code host-key-algorithms} setting
 */
public record SshAlgorithms(List<BuiltinCiphers> ciphers, List<BuiltinMacs> macs,
                            List<BuiltinDHFactories> keyExchanges, List<BuiltinSignatures> hostKeyAlgorithms) {

    /**
     * AES-GCM first: MINA runs it on the CPU's AES instructions, the fastest it has (docs/performance.md).
     * chacha20-poly1305 before AES-CTR: it is authenticated encryption, and what dropbear on routers without AES
     * instructions runs fastest; CTR is for clients with neither (paramiko).
     */
    public static final String DEFAULT_CIPHERS = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
            + "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr";
    /**
     * Encrypt-then-MAC first. The SHA-2 encrypt-and-MAC pair last: only a client with no AEAD cipher and no ETM MAC
     * gets them (dropbear built without chacha20-poly1305, as it was before 2020.79), never SHA-1.
     */
    public static final String DEFAULT_MACS = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
            + "hmac-sha2-256,hmac-sha2-512";
    /**
     * OpenSSH 9.x's own server list (with ML-KEM first, as OpenSSH 10 has it) without the 8192-bit
     * diffie-hellman-group18-sha512: the client chooses among these before it has proven anything, and that one
     * costs the relay 243 ms of CPU per handshake, 100 to 400 times the others (docs/performance.md; group exchange
     * is bounded to 4096 bits for the same reason, in {@code ssh.transport.KeyExchanges}). Every client that has it
     * has group16 and group14 too.
     */
    public static final String DEFAULT_KEX_ALGORITHMS = "mlkem768x25519-sha256,sntrup761x25519-sha512,"
            + "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
            + "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"
            + "diffie-hellman-group16-sha512,diffie-hellman-group14-sha256";
    /**
     * Signatures over the host key; only those the host key (and its certificate, if any) can make are offered. No
     * ssh-rsa (SHA-1): every client in the README's table signs and verifies RSA with SHA-2.
     */
    public static final String DEFAULT_HOST_KEY_ALGORITHMS = "ssh-ed25519-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
            + "rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
            + "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";

    private static final AlgorithmList<BuiltinCiphers> CIPHERS = new AlgorithmList<>("ciphers", DEFAULT_CIPHERS,
            BuiltinCiphers.VALUES, cipher -> cipher == BuiltinCiphers.none);
    private static final AlgorithmList<BuiltinMacs> MACS = new AlgorithmList<>("macs", DEFAULT_MACS,
            BuiltinMacs.VALUES, mac -> false);
    private static final AlgorithmList<BuiltinDHFactories> KEX = new AlgorithmList<>("kex-algorithms",
            DEFAULT_KEX_ALGORITHMS, BuiltinDHFactories.VALUES, kex -> false);
    private static final AlgorithmList<BuiltinSignatures> HOST_KEYS = new AlgorithmList<>("host-key-algorithms",
            DEFAULT_HOST_KEY_ALGORITHMS, BuiltinSignatures.VALUES, signature -> false);

    public SshAlgorithms {
        ciphers = List.copyOf(ciphers);
        macs = List.copyOf(macs);
        keyExchanges = List.copyOf(keyExchanges);
        hostKeyAlgorithms = List.copyOf(hostKeyAlgorithms);
    }

    /** The defaults. */
    public static SshAlgorithms defaults() {
        return parse("", "", "", "");
    }

    /**
     * The four settings as written; an empty one is the default.
     *
     * @throws SettingException naming the setting and the first name it cannot use
     */
    public static SshAlgorithms parse(String ciphers, String macs, String keyExchanges, String hostKeyAlgorithms) {
        return new SshAlgorithms(CIPHERS.resolve(ciphers), MACS.resolve(macs), KEX.resolve(keyExchanges),
                HOST_KEYS.resolve(hostKeyAlgorithms));
    }

    /** The names, as the settings write them. */
    public static List<String> names(List<? extends NamedResource> algorithms) {
        return algorithms.stream().map(NamedResource::getName).toList();
    }
}
