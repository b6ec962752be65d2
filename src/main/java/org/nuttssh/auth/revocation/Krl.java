package org.nuttssh.auth.revocation;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * An OpenSSH key revocation list, as {@code ssh-keygen -k} writes it (OpenSSH's PROTOCOL.krl): certificates revoked
 * by serial (lists, ranges, bitmaps) or key ID, per CA or for any CA, and plain keys revoked by their blob or its
 * SHA-1 or SHA-256 hash. Checks follow OpenSSH's krl.c: serial 0 is never revoked by serial (it is what a CA that
 * gives none writes), and a KRL with signature sections or an unknown critical extension is refused, as OpenSSH
 * 9.4 and later do.
 */
final class Krl implements RevocationList {

    /** "SSHKRL\n\0". */
    static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.ISO_8859_1);
    static final int FORMAT_VERSION = 1;

    static final int SECTION_CERTIFICATES = 1;
    static final int SECTION_EXPLICIT_KEY = 2;
    static final int SECTION_FINGERPRINT_SHA1 = 3;
    static final int SECTION_SIGNATURE = 4;
    static final int SECTION_FINGERPRINT_SHA256 = 5;
    static final int SECTION_EXTENSION = 255;
    static final int CERT_SERIAL_LIST = 0x20;
    static final int CERT_SERIAL_RANGE = 0x21;
    static final int CERT_SERIAL_BITMAP = 0x22;
    static final int CERT_KEY_ID = 0x23;
    static final int CERT_EXTENSION = 0x39;

    /**
     * The widest serial bitmap read, in bits. ssh-keygen writes a bitmap only where it is smaller than a list; a
     * bitmap wider than the file could hold anyway is refused rather than expanded.
     */
    private static final int MAX_BITMAP_BYTES = 16 * 1024 * 1024;

    /** The serials and key IDs revoked for one CA, or for any CA when {@code caKey} is empty. */
    private record CertificateSection(byte[] caKey, List<long[]> ranges, List<Bitmap> bitmaps, Set<String> keyIds) {

        boolean revokesSerial(long serial) {
            for (long[] range : ranges) {
                if (Long.compareUnsigned(range[0], serial) <= 0 && Long.compareUnsigned(serial, range[1]) <= 0) {
                    return true;
                }
            }
            return bitmaps.stream().anyMatch(bitmap -> bitmap.revokes(serial));
        }
    }

    /** Bit N set: serial {@code offset + N} revoked. */
    private record Bitmap(long offset, BigInteger bits) {
        boolean revokes(long serial) {
            long index = serial - offset;
            return Long.compareUnsigned(serial, offset) >= 0 && index >= 0 && index < bits.bitLength()
                    && bits.testBit((int) index);
        }
    }

    private final List<CertificateSection> certificates;
    private final Set<String> keys;
    private final Set<String> sha1s;
    private final Set<String> sha256s;

    private Krl(List<CertificateSection> certificates, Set<String> keys, Set<String> sha1s, Set<String> sha256s) {
        this.certificates = certificates;
        this.keys = keys;
        this.sha1s = sha1s;
        this.sha256s = sha256s;
    }

    static boolean looksLikeKrl(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static Krl parse(byte[] bytes) throws KrlFormatException {
        WireReader in = new WireReader(ByteBuffer.wrap(bytes), "KRL");
        if (!looksLikeKrl(bytes)) {
            throw new KrlFormatException("not a KRL: it does not start with SSHKRL");
        }
        in.skip(MAGIC.length);
        long version = in.uint32();
        if (version != FORMAT_VERSION) {
            throw new KrlFormatException("KRL format version " + version + " (expected: " + FORMAT_VERSION + ")");
        }
        in.uint64(); // krl_version
        in.uint64(); // generated_date
        in.uint64(); // flags: none defined
        in.string(); // reserved
        in.string(); // comment
        List<CertificateSection> certificates = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<String> sha1s = new HashSet<>();
        Set<String> sha256s = new HashSet<>();
        while (in.hasMore()) {
            int type = in.byteValue();
            if (type == SECTION_SIGNATURE) {
                throw new KrlFormatException("KRL signature sections are not supported (OpenSSH 9.4 and later refuse"
                        + " them too); sign the file with ssh-keygen -Y sign instead");
            }
            WireReader section = in.section("KRL section " + type);
            switch (type) {
                case SECTION_CERTIFICATES -> certificates.add(certificateSection(section));
                case SECTION_EXPLICIT_KEY -> blobs(section, keys, 0);
                case SECTION_FINGERPRINT_SHA1 -> blobs(section, sha1s, 20);
                case SECTION_FINGERPRINT_SHA256 -> blobs(section, sha256s, 32);
                case SECTION_EXTENSION -> extension(section);
                default -> throw new KrlFormatException("unknown KRL section type " + type);
            }
        }
        return new Krl(List.copyOf(certificates), Set.copyOf(keys), Set.copyOf(sha1s), Set.copyOf(sha256s));
    }

    private static CertificateSection certificateSection(WireReader in) throws KrlFormatException {
        byte[] caKey = in.string();
        in.string(); // reserved
        List<long[]> ranges = new ArrayList<>();
        List<Bitmap> bitmaps = new ArrayList<>();
        Set<String> keyIds = new HashSet<>();
        while (in.hasMore()) {
            int type = in.byteValue();
            WireReader part = in.section("certificate section " + type);
            switch (type) {
                case CERT_SERIAL_LIST -> {
                    while (part.hasMore()) {
                        long serial = part.uint64();
                        ranges.add(new long[] {serial, serial});
                    }
                }
                case CERT_SERIAL_RANGE -> {
                    long min = part.uint64();
                    long max = part.uint64();
                    if (Long.compareUnsigned(min, max) > 0) {
                        throw new KrlFormatException("serial range " + Long.toUnsignedString(min) + "-"
                                + Long.toUnsignedString(max) + " runs backwards");
                    }
                    ranges.add(new long[] {min, max});
                    part.expectEnd();
                }
                case CERT_SERIAL_BITMAP -> {
                    long offset = part.uint64();
                    byte[] mpint = part.string();
                    if (mpint.length > MAX_BITMAP_BYTES) {
                        throw new KrlFormatException("serial bitmap of " + mpint.length + " bytes (expected: at most "
                                + MAX_BITMAP_BYTES + ")");
                    }
                    BigInteger bits = mpint.length == 0 ? BigInteger.ZERO : new BigInteger(mpint);
                    if (bits.signum() < 0) {
                        throw new KrlFormatException("negative serial bitmap");
                    }
                    bitmaps.add(new Bitmap(offset, bits));
                    part.expectEnd();
                }
                case CERT_KEY_ID -> {
                    while (part.hasMore()) {
                        keyIds.add(new String(part.string(), StandardCharsets.UTF_8));
                    }
                }
                case CERT_EXTENSION -> extension(part);
                default -> throw new KrlFormatException("unknown KRL certificate section type " + type);
            }
        }
        if (caKey.length == 0 && (!ranges.isEmpty() || !bitmaps.isEmpty())) {
            throw new KrlFormatException("serials revoked without a CA key (serials are only unique per CA)");
        }
        return new CertificateSection(caKey, List.copyOf(ranges), List.copyOf(bitmaps), Set.copyOf(keyIds));
    }

    /** @param length each blob's required length, or 0 for any */
    private static void blobs(WireReader in, Set<String> into, int length) throws KrlFormatException {
        while (in.hasMore()) {
            byte[] blob = in.string();
            if (length != 0 && blob.length != length) {
                throw new KrlFormatException("a hash of " + blob.length + " bytes (expected: " + length + ")");
            }
            into.add(HexFormat.of().formatHex(blob));
        }
    }

    private static void extension(WireReader in) throws KrlFormatException {
        String name = new String(in.string(), StandardCharsets.UTF_8);
        boolean critical = in.byteValue() != 0;
        in.string(); // contents
        if (critical) {
            throw new KrlFormatException("unsupported critical KRL extension '" + name + "'");
        }
    }

    @Override
    public Optional<String> revokesKey(byte[] plainKeyBlob) {
        if (keys.contains(HexFormat.of().formatHex(plainKeyBlob))) {
            return Optional.of("listed in the KRL");
        }
        if (sha1s.contains(hash("SHA-1", plainKeyBlob)) || sha256s.contains(hash("SHA-256", plainKeyBlob))) {
            return Optional.of("its hash is listed in the KRL");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> revokesCertificate(OpenSshCertificate certificate, byte[] caKeyBlob) {
        for (CertificateSection section : certificates) {
            if (section.caKey().length != 0 && !Arrays.equals(section.caKey(), caKeyBlob)) {
                continue;
            }
            if (section.keyIds().contains(certificate.getId())) {
                return Optional.of("key ID \"" + certificate.getId() + "\" revoked in the KRL");
            }
            long serial = certificate.getSerial();
            if (serial != 0 && section.revokesSerial(serial)) {
                return Optional.of("serial " + Long.toUnsignedString(serial) + " revoked in the KRL");
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        int ids = certificates.stream().mapToInt(section -> section.keyIds().size()).sum();
        int serialSections = certificates.stream().mapToInt(s -> s.ranges().size() + s.bitmaps().size()).sum();
        return "a KRL with " + certificates.size() + " certificate sections (" + serialSections
                + " serial lists, ranges or bitmaps, " + ids + " key IDs), " + keys.size() + " keys and "
                + (sha1s.size() + sha256s.size()) + " key hashes";
    }

    private static String hash(String algorithm, byte[] blob) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
