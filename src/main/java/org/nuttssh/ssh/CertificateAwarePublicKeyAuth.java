package org.nuttssh.ssh;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateException;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.auth.KeyAuthenticator;

/**
 * MINA's public-key method, with two changes for certificates. MINA matches a certificate's {@code source-address}
 * against the socket's peer, which behind a PROXY-protocol load balancer is the balancer; the relay's
 * {@link KeyAuthenticator} matches it against the client address {@code from=} uses instead, and judges the other
 * critical options too. And the certificates
 * MINA refuses before asking the authenticator (a host certificate, one outside its validity, a bad CA signature)
 * are logged and counted with their reason like every other refusal.
 */
final class CertificateAwarePublicKeyAuth extends UserAuthPublicKey {

    private final KeyAuthenticator authenticator;

    private CertificateAwarePublicKeyAuth(KeyAuthenticator authenticator) {
        // Client keys and CA signatures are checked with MINA's own signature list, whatever the relay offers for
        // its host key.
        super(ServerBuilder.setUpDefaultSignatureFactories(false));
        this.authenticator = authenticator;
    }

    /** The factory to give MINA ({@code setUserAuthFactories}). */
    static UserAuthPublicKeyFactory factory(KeyAuthenticator authenticator) {
        return new UserAuthPublicKeyFactory() {
            @Override
            public UserAuthPublicKey createUserAuth(ServerSession session) throws IOException {
                return new CertificateAwarePublicKeyAuth(authenticator);
            }
        };
    }

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        if (offered(buffer) instanceof OpenSshCertificate certificate
                && (certificate.getType() != OpenSshCertificate.Type.USER
                || !OpenSshCertificate.isValidNow(certificate))) {
            // MINA would refuse it without asking the authenticator (and log a warning with a stack trace); the
            // relay's authenticator refuses the same certificates, through max-auth-attempts, with the reason logged
            // and counted.
            boolean accepted = getServerSession().getPublickeyAuthenticator().authenticate(getUsername(), certificate,
                    getServerSession());
            if (!accepted) {
                return Boolean.FALSE;
            }
        }
        return super.doAuth(buffer, init);
    }

    @Override
    protected void verifyCertificateSignature(ServerSession session, OpenSshCertificate cert) throws Exception {
        try {
            super.verifyCertificateSignature(session, cert);
        } catch (Exception e) {
            authenticator.refusedSignature(session, getUsername(), cert, e.getMessage());
            throw e;
        }
    }

    /**
     * Left to {@link KeyAuthenticator}: it knows the address a PROXY header gave, for {@code source-address}, and it
     * refuses the options the relay cannot honour with their reason (MINA would refuse them unexplained).
     */
    @Override
    protected void verifyCriticalOptions(ServerSession session, OpenSshCertificate cert) throws CertificateException {
        // Deliberately empty: see above.
    }

    /** The key in a public-key request, read without consuming it; null if MINA will find the request malformed. */
    private static PublicKey offered(Buffer buffer) {
        int start = buffer.rpos();
        try {
            buffer.getBoolean(); // has a signature
            buffer.getString(); // algorithm
            return buffer.getPublicKey();
        } catch (Exception e) {
            return null; // MINA reads it again and reports the problem
        } finally {
            buffer.rpos(start);
        }
    }
}
