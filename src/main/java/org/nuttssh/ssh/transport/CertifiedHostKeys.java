package org.nuttssh.ssh.transport;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.SessionContext;

/**
 * The host key with its certificate, read once at start (MINA's file provider would read the file at every key
 * exchange). MINA offers the certificate's algorithms next to the key's, so a client that trusts the CA
 * ({@code @cert-authority} in known_hosts) needs no entry for the relay itself.
 */
final class CertifiedHostKeys implements KeyPairProvider, HostKeyCertificateProvider {

    private final KeyPairProvider keys;
    private final List<OpenSshCertificate> certificates;

    CertifiedHostKeys(KeyPairProvider keys, OpenSshCertificate certificate) {
        this.keys = keys;
        this.certificates = List.of(certificate);
    }

    @Override
    public Iterable<KeyPair> loadKeys(SessionContext session) throws IOException, GeneralSecurityException {
        return keys.loadKeys(session);
    }

    @Override
    public Iterable<OpenSshCertificate> loadCertificates(SessionContext session) {
        return certificates;
    }
}
