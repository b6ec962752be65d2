package org.nuttssh.cluster.trust;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.nuttssh.net.IpAddress;

/**
 * Makes what a secure cluster needs, in one directory: a CA ({@code ca.crt}, {@code ca.key}), the shared secret
 * ({@code cluster.secret}) and, for each node, a certificate and key signed by that CA ({@code NODE.crt},
 * {@code NODE.key}). Run again with more names, it adds their files with the same CA and secret. It never
 * overwrites a file but the revocation list ({@code ca.crl}, which {@link #revoke} rewrites with one more node), and
 * writes keys and the secret readable by their owner only.
 */
public final class ClusterCertificates {

    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SECRET = "cluster.secret";
    /** The next secret while the secret is rotated, beside the current one, where nodes look for it. */
    public static final String NEXT_SECRET = SECRET + ClusterSecrets.NEXT_SUFFIX;
    /** The CA's list of revoked node certificates; nodes read it beside their CA certificate. */
    public static final String CRL = "ca.crl";

    /** Long enough to outlive the nodes it signs for; renewing a CA means a new certificate on every node. */
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Cockroach's default for node certificates: years of operation, yet not forever. */
    static final Duration NODE_VALIDITY = Duration.ofDays(5 * 365);
    /** A node name becomes a file name and a certificate's common name. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** ECDSA on P-256: every TLS stack takes it, and handshakes are cheap. */
    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final String PRIVATE = "rw-------";
    private static final String PUBLIC = "rw-r--r--";

    private final Path dir;
    private final Consumer<String> report;
    private final SecureRandom random = new SecureRandom();

    /** @param report told, one line at a time, what was made and what was kept */
    public ClusterCertificates(Path dir, Consumer<String> report) {
        this.dir = dir;
        this.report = report;
    }

    /**
     * Makes the CA and the secret unless they exist, then each node's certificate and key unless they exist.
     *
     * @param hosts extra subject alternative names (addresses or host names) for every node certificate made now
     * @throws IllegalArgumentException for a bad node name or host
     * @throws IOException              when a file cannot be read or written, naming it
     */
    public void create(List<String> nodes, List<String> hosts) throws IOException {
        for (String node : nodes) {
            if (!NODE_NAME.matcher(node).matches() || node.equals("ca") || node.equals("cluster")) {
                throw new IllegalArgumentException("node name '" + node + "' (expected: letters, digits, '.', '_' "
                        + "and '-', up to 63, not 'ca' or 'cluster')");
            }
        }
        List<GeneralName> extraNames = new ArrayList<>();
        for (String host : hosts) {
            extraNames.add(generalName(host));
        }
        Files.createDirectories(dir);
        try {
            Authority ca = authority();
            secret();
            for (String node : nodes) {
                node(ca, node, extraNames);
            }
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Adds each node's certificate ({@code NODE.crt}) to the CA's revocation list, {@code ca.crl}: nodes that read it
     * refuse that certificate on the event bus and as the proof of a node's identity.
     *
     * @throws IOException when the CA or a node's certificate is missing or unreadable, naming it
     */
    public void revoke(List<String> nodes) throws IOException {
        Path certFile = dir.resolve(CA_CERT);
        Path keyFile = dir.resolve(CA_KEY);
        Path crlFile = dir.resolve(CRL);
        try {
            X509Certificate ca = readCertificate(certFile);
            PrivateKey key = readKey(keyFile);
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca, Date.from(now))
                    .setNextUpdate(Date.from(ca.getNotAfter().toInstant()));
            if (Files.exists(crlFile)) {
                Object parsed = parse(crlFile);
                if (!(parsed instanceof X509CRLHolder previous)) {
                    throw new IOException(crlFile + " holds no PEM revocation list");
                }
                builder.addCRL(previous);
            }
            for (String node : nodes) {
                X509Certificate revoked = readCertificate(dir.resolve(node + ".crt"));
                builder.addCRLEntry(revoked.getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
                report.accept("revoked " + node + " (serial " + revoked.getSerialNumber().toString(16) + ")");
            }
            X509CRLHolder crl = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
            write(crlFile, pem(new JcaX509CRLConverter().getCRL(crl)), PUBLIC, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot revoke: " + e.getMessage(), e);
        }
        report.accept("wrote " + crlFile + "; copy it beside " + CA_CERT + " on every node: running nodes read it "
                + "within seconds; restart them one at a time for their event bus's TLS to refuse it too, and rotate "
                + "the cluster secret it holds with --rotate-secret");
    }

    /**
     * Makes the next cluster secret, {@code cluster.secret.next}, beside the current one, which stays: nodes given both
     * read with both, and seal with the next once every node announces it ({@link ClusterSecrets}).
     *
     * @throws IOException when there is no secret to rotate, or a rotation is already under way
     */
    public void rotateSecret() throws IOException {
        Path next = dir.resolve(NEXT_SECRET);
        if (!Files.exists(dir.resolve(SECRET))) {
            throw new IOException(dir.resolve(SECRET) + " does not exist: there is no secret to rotate (expected: "
                    + "the directory cluster-certs made)");
        }
        if (Files.exists(next)) {
            throw new IOException(next + " exists: a rotation is under way; finish it with --retire-old-secret, "
                    + "or remove that file (from every node too) to abandon it");
        }
        write(next, randomSecret(), PRIVATE);
        report.accept("made " + next + ": copy it beside " + SECRET + " on every node (mode 600); running nodes read "
                + "it within seconds, and seal with it once every node has it; then run --retire-old-secret");
    }

    /**
     * Ends a rotation: the next secret takes the current one's place, {@code cluster.secret}, and the old one is gone.
     *
     * @throws IOException when no rotation is under way
     */
    public void retireOldSecret() throws IOException {
        Path file = dir.resolve(SECRET);
        Path next = dir.resolve(NEXT_SECRET);
        if (!Files.exists(next)) {
            throw new IOException(next + " does not exist: no rotation is under way (expected: --rotate-secret "
                    + "first)");
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        report.accept("moved " + next + " to " + file + ": copy " + SECRET + " to every node first, then remove "
                + NEXT_SECRET + " there; from then on a node reads nothing the old secret "
                + "sealed. Do it only once every node logged that it seals with the next secret");
    }

    private record Authority(X509Certificate certificate, PrivateKey key) {
    }

    private Authority authority() throws IOException, GeneralSecurityException, OperatorCreationException {
        Path certFile = dir.resolve(CA_CERT);
        Path keyFile = dir.resolve(CA_KEY);
        boolean cert = Files.exists(certFile);
        boolean key = Files.exists(keyFile);
        if (cert && key) {
            report.accept("kept " + certFile + " and " + keyFile);
            return new Authority(readCertificate(certFile), readKey(keyFile));
        }
        if (cert || key) {
            throw new IOException((cert ? keyFile : certFile) + " is missing while " + (cert ? certFile : keyFile)
                    + " exists; restore it, or move both away to start a new CA");
        }
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=nuttssh cluster CA");
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate certificate = sign(builder, pair.getPrivate());
        write(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), PRIVATE);
        write(certFile, pem(certificate), PUBLIC);
        report.accept("made " + certFile + " and " + keyFile + " (keep " + CA_KEY
                + " away from the nodes; it signs new ones)");
        return new Authority(certificate, pair.getPrivate());
    }

    private void secret() throws IOException {
        Path file = dir.resolve(SECRET);
        if (Files.exists(file)) {
            report.accept("kept " + file);
            return;
        }
        write(file, randomSecret(), PRIVATE);
        report.accept("made " + file + " (" + ClusterSecret.MIN_BYTES
                + " random bytes; every node needs the same one)");
    }

    private byte[] randomSecret() {
        byte[] bytes = new byte[ClusterSecret.MIN_BYTES];
        random.nextBytes(bytes);
        return bytes;
    }

    private void node(Authority ca, String node, List<GeneralName> extraNames)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Path certFile = dir.resolve(node + ".crt");
        Path keyFile = dir.resolve(node + ".key");
        if (Files.exists(certFile) || Files.exists(keyFile)) {
            report.accept("kept " + node + ": " + (Files.exists(certFile) ? certFile : keyFile) + " exists");
            return;
        }
        KeyPair pair = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, node));
        names.addAll(extraNames);
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(NODE_VALIDITY)),
                new X500Name("CN=" + node), pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                // Each node is a TLS server to the nodes that connect to it and a client to those it connects to.
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(ca.certificate()));
        X509Certificate certificate = sign(builder, ca.key());
        write(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), PRIVATE);
        write(certFile, pem(certificate), PUBLIC);
        report.accept("made " + certFile + " and " + keyFile + " for node " + node);
    }

    private static GeneralName generalName(String host) {
        if (IpAddress.parse(host).isPresent()) {
            return new GeneralName(GeneralName.iPAddress, host);
        }
        if (!host.matches("[A-Za-z0-9*]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("host '" + host + "' (expected: an IP address or a DNS name)");
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(CURVE), random);
        return generator.generateKeyPair();
    }

    /** Random and positive, as RFC 5280 asks, and long enough never to repeat under one CA. */
    private BigInteger serial() {
        return new BigInteger(127, random);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        Object parsed = parse(file);
        if (!(parsed instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static PrivateKey readKey(Path file) throws IOException {
        Object parsed = parse(file);
        if (!(parsed instanceof PrivateKeyInfo info)) {
            throw new IOException(file + " holds no unencrypted PEM private key (PKCS#8)");
        }
        return new JcaPEMKeyConverter().getPrivateKey(info);
    }

    private static Object parse(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            return pem.readObject();
        }
    }

    private static byte[] pem(Object object) throws IOException {
        Writer text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes the content under a temporary name created with its permissions, then gives it its name: a key is never
     * readable by others, even briefly, and a write that fails half-way leaves no file that a later run would keep.
     * A file system without POSIX permissions is refused: its defaults could leave a key readable by anyone.
     *
     * @param replacing how the file takes its name: by default, only if there is no such file yet
     */
    private static void write(Path file, byte[] content, String permissions, CopyOption... replacing)
            throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        // Some file systems take POSIX permissions at creation and drop them, so ask whether it keeps any.
        if (Files.getFileAttributeView(parent, PosixFileAttributeView.class) == null) {
            throw new IOException(file + ": its file system has no POSIX permissions (expected: a --dir where "
                    + "files can be made " + permissions + ", so that keys and the secret stay their owner's)");
        }
        Path partial = Files.createTempFile(parent, file.getFileName() + ".", ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        try {
            Files.write(partial, content);
            Files.move(partial, file, replacing);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared meanwhile; not overwriting it", e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
