package org.nuttssh.cluster.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;

import org.nuttssh.auth.files.FileStamp;

import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.PrivateFile;
import org.nuttssh.config.StartupException;

/**
 * What a node of a secure cluster proves itself with and checks the others against: its own certificate and key,
 * the cluster's CA, and the CA's revocation list ({@value ClusterCertificates#CRL} beside the CA's file, if there is
 * one), which {@code cluster-certs --revoke} keeps. The list is live: {@link #reloadRevocations} reads it again when
 * its file changed, and every later {@link #problemWith} uses the new one.
 */
public final class ClusterTrust {

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final X509Certificate ca;
    private final Path crl;
    private volatile Optional<X509CRL> revoked;
    private volatile Optional<FileStamp> revokedStamp;
    private final String signature;

    private ClusterTrust(X509Certificate certificate, PrivateKey key, X509Certificate ca, Path crl,
                         String signature) {
        this.certificate = certificate;
        this.key = key;
        this.ca = ca;
        this.crl = crl;
        this.signature = signature;
    }

    /** Reads the files, refusing a key that other users can read and a certificate this node could not prove with. */
    public static ClusterTrust load(ClusterConfig.ClusterTls tls) throws StartupException {
        try {
            PrivateFile.check(tls.key(), "cluster TLS key");
            X509Certificate ca = ClusterCertificates.readCertificate(tls.ca());
            X509Certificate certificate = ClusterCertificates.readCertificate(tls.cert());
            PrivateKey key = ClusterCertificates.readKey(tls.key());
            ClusterTrust trust = new ClusterTrust(certificate, key, ca, crlOf(tls), signatureFor(tls.key(), key));
            trust.revokedStamp = stampOf(trust.crl);
            trust.revoked = readRevocations(trust.crl, ca);
            Optional<String> problem = trust.problemWith(certificate);
            if (problem.isPresent()) {
                throw new StartupException("cluster TLS certificate " + tls.cert() + ": " + problem.get());
            }
            if (!trust.verifies(certificate, new byte[0], trust.sign(new byte[0]))) {
                throw new StartupException("cluster TLS key " + tls.key() + " is not the key of certificate "
                        + tls.cert());
            }
            return trust;
        } catch (NoSuchFileException e) {
            throw new StartupException("cluster TLS file " + e.getFile() + " does not exist; make it with: "
                    + "java -jar nuttssh.jar cluster-certs --dir DIR NODE...");
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot read the cluster's TLS files: " + e.getMessage());
        }
    }

    /** The revocation list a node reads: {@value ClusterCertificates#CRL} in the CA certificate's directory. */
    public static Path crlOf(ClusterConfig.ClusterTls tls) {
        return tls.ca().toAbsolutePath().resolveSibling(ClusterCertificates.CRL);
    }

    /** The revocation list's file, which {@link #reloadRevocations} follows. */
    public Path crl() {
        return crl;
    }

    /**
     * Reads the revocation list again if its file changed since it was read. A list that cannot be read or is not the
     * CA's is refused and the one before kept, and so is the absence of a file once there was one: a revocation is
     * never undone by a file half-copied or removed.
     *
     * @return whether a new list is in force
     * @throws IOException naming the file and what is wrong with it
     */
    public boolean reloadRevocations() throws IOException {
        Optional<FileStamp> stamp = stampOf(crl);
        Optional<FileStamp> before = revokedStamp;
        if (stamp.isEmpty() || before.isPresent() && before.get().sameAs(stamp.get())) {
            return false;
        }
        try {
            revoked = readRevocations(crl, ca);
        } catch (GeneralSecurityException e) {
            throw new IOException(crl + ": " + e.getMessage() + "; the revocation list before stays in force", e);
        }
        revokedStamp = stamp;
        return true;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public byte[] sign(byte[] content) throws GeneralSecurityException {
        Signature signer = Signature.getInstance(signature);
        signer.initSign(key);
        signer.update(content);
        return signer.sign();
    }

    /** Whether {@code signed} is {@code content} signed with the key of {@code signer}, a certificate checked before. */
    public boolean verifies(X509Certificate signer, byte[] content, byte[] signed) {
        try {
            Signature verifier = Signature.getInstance(algorithmFor(signer.getPublicKey()));
            verifier.initVerify(signer.getPublicKey());
            verifier.update(content);
            return verifier.verify(signed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** What is wrong with a node certificate, or empty when the cluster's CA signed it and has not revoked it. */
    public Optional<String> problemWith(X509Certificate node) {
        try {
            node.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            return Optional.of("not signed by the cluster's CA");
        }
        try {
            node.checkValidity();
        } catch (CertificateException e) {
            return Optional.of("outside its validity (" + node.getNotBefore() + " to " + node.getNotAfter() + ")");
        }
        if (node.getBasicConstraints() != -1) {
            return Optional.of("a CA certificate, not a node's");
        }
        if (revoked(node)) {
            return Optional.of("revoked (serial " + node.getSerialNumber().toString(16) + ")");
        }
        return Optional.empty();
    }

    /** Whether {@code node} is on the revocation list now in force. */
    public boolean revoked(X509Certificate node) {
        return revoked.map(list -> list.isRevoked(node)).orElse(false);
    }

    private static Optional<FileStamp> stampOf(Path file) throws IOException {
        try {
            return Optional.of(FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<X509CRL> readRevocations(Path file, X509Certificate ca)
            throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        X509CRL crl;
        try (var in = Files.newInputStream(file)) {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
        try {
            crl.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(file + " is not signed by the cluster's CA", e);
        }
        return Optional.of(crl);
    }

    private static String signatureFor(Path file, PrivateKey key) throws StartupException {
        try {
            return algorithmFor(key.getAlgorithm());
        } catch (IllegalArgumentException e) {
            throw new StartupException("cluster TLS key " + file + ": " + e.getMessage());
        }
    }

    private static String algorithmFor(PublicKey key) {
        return algorithmFor(key.getAlgorithm());
    }

    private static String algorithmFor(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "SHA256withECDSA"; // ECDSA: the name BouncyCastle gives, once registered
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("key type " + keyAlgorithm
                    + " (expected: EC, RSA or Ed25519)");
        };
    }
}
