package org.nuttssh.ssh.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.nuttssh.config.PrivateFile;
import org.nuttssh.config.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the server's host key, and its certificate if it has one, at start, so that a bad key stops the server before
 * it listens.
 */
public final class HostKeys {

    private static final Logger log = LoggerFactory.getLogger(HostKeys.class);

    private HostKeys() {
    }

    /**
     * The host key, offered with {@code certificate} when that is not null: the provider is then also a
     * {@link HostKeyCertificateProvider}.
     */
    public static KeyPairProvider load(Path file, Path certificate) throws StartupException {
        KeyPairProvider keys = load(file);
        if (certificate == null) {
            return keys;
        }
        OpenSshCertificate loaded = certificate(certificate);
        boolean matches = false;
        try {
            for (KeyPair pair : keys.loadKeys(null)) {
                matches |= KeyUtils.compareKeys(pair.getPublic(), loaded.getCertPubKey());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("host key " + file + ": " + e.getMessage());
        }
        if (!matches) {
            throw new StartupException("host-certificate " + certificate + " certifies the key "
                    + KeyUtils.getFingerPrint(loaded.getCertPubKey()) + ", not the host key " + file
                    + " (expected: the certificate made by ssh-keygen -s CA -h " + file + ".pub)");
        }
        if (!OpenSshCertificate.isValidNow(loaded)) {
            log.warn("host-certificate {} is outside its validity now; clients that trust its CA will refuse it",
                    certificate);
        }
        log.info("host certificate {}: id \"{}\" serial {} for {} by CA {}", certificate, loaded.getId(),
                Long.toUnsignedString(loaded.getSerial()), loaded.getPrincipals(),
                KeyUtils.getFingerPrint(loaded.getCaPubKey()));
        return new CertifiedHostKeys(keys, loaded);
    }

    private static OpenSshCertificate certificate(Path file) throws StartupException {
        String expected = " (expected: a host certificate made by ssh-keygen -s CA -h -I ID -n NAMES host_key.pub)";
        PublicKey key;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            if (lines.size() != 1) {
                throw new StartupException("host-certificate " + file + " holds " + lines.size() + " lines" + expected);
            }
            key = PublicKeyEntry.parsePublicKeyEntry(lines.get(0)).resolvePublicKey(null, null,
                    PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new StartupException("host-certificate " + file + " cannot be read: " + e.getMessage() + expected);
        }
        if (!(key instanceof OpenSshCertificate certificate)) {
            throw new StartupException("host-certificate " + file + " holds a plain public key" + expected);
        }
        if (certificate.getType() != OpenSshCertificate.Type.HOST) {
            throw new StartupException("host-certificate " + file + " is a user certificate" + expected);
        }
        return certificate;
    }

    public static KeyPairProvider load(Path file) throws StartupException {
        String howToCreate = "; create one with: ssh-keygen -t ed25519 -N '' -f " + file;
        if (!Files.exists(file)) {
            throw new StartupException("host key " + file + " not found" + howToCreate);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new StartupException("host key " + file + " is not a readable file" + howToCreate);
        }
        try {
            PrivateFile.check(file, "host key");
        } catch (IOException e) {
            throw new StartupException("host key " + file + ": cannot read its permissions: " + e.getMessage());
        }
        List<KeyPair> keys = new ArrayList<>();
        try {
            FileKeyPairProvider provider = new FileKeyPairProvider(file);
            provider.setPasswordFinder(FilePasswordProvider.EMPTY);
            provider.loadKeys(null).forEach(keys::add);
        } catch (Exception e) {
            throw new StartupException("host key " + file + " cannot be loaded (" + e.getMessage()
                    + "); it must be an unencrypted OpenSSH or PEM private key" + howToCreate);
        }
        if (keys.isEmpty()) {
            throw new StartupException("host key " + file + " holds no private key" + howToCreate);
        }
        return KeyPairProvider.wrap(keys);
    }
}
