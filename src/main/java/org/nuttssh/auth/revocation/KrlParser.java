package org.nuttssh.auth.revocation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import org.nuttssh.auth.revocation.DigestSet.Digest;

/**
 * Reads a KRL as OpenSSH's krl.c reads it, refusing what it refuses (serial 0, backward ranges, bitmaps past the
 * last serial or wider than its limit, key IDs with a NUL byte, unknown sections), into memory bounded by the
 * number of revocations ({@link RevocationList#MAX_ENTRIES}) whatever the file's size: serials stay ranges, keys
 * and key IDs are kept as digests.
 */
final class KrlParser {

    /**
     * CA keys a KRL may have certificates sections for: a relay trusts the few CAs on its cert-authority lines, and
     * each costs a section's bookkeeping however little it revokes.
     */
    static final int MAX_CERTIFICATE_AUTHORITIES = 1024;
    /**
     * The widest serial bitmap, in bytes (16384 serials): OpenSSH's limit on the mpint that holds it
     * (SSHBUF_MAX_BIGNUM); sshd refuses a KRL with a wider one, even one ssh-keygen wrote, and so does the relay.
     */
    static final int MAX_BITMAP_BYTES = 2048;

    private final byte[] bytes;
    private final Map<Digest, CertificateRevocations.Builder> certificates = new HashMap<>();
    private final DigestSet.Builder keys = new DigestSet.Builder();
    private final DigestSet.Builder sha1s = new DigestSet.Builder();
    private final DigestSet.Builder sha256s = new DigestSet.Builder();
    private int entries;

    private KrlParser(byte[] bytes) {
        this.bytes = bytes;
    }

    static Krl parse(byte[] bytes) throws KrlFormatException {
        return new KrlParser(bytes).read();
    }

    private Krl read() throws KrlFormatException {
        if (!Krl.looksLikeKrl(bytes)) {
            throw new KrlFormatException("not a KRL: it does not start with SSHKRL");
        }
        WireReader in = new WireReader(ByteBuffer.wrap(bytes), "KRL");
        in.skip(Krl.MAGIC.length);
        long version = in.uint32();
        if (version != Krl.FORMAT_VERSION) {
            throw new KrlFormatException("KRL format version " + version + " (expected: " + Krl.FORMAT_VERSION + ")");
        }
        in.uint64(); // krl_version
        in.uint64(); // generated_date
        in.uint64(); // flags: none defined
        in.string(); // reserved
        in.cstring("the KRL's comment");
        while (in.hasMore()) {
            int type = in.byteValue();
            if (type == Krl.SECTION_SIGNATURE) {
                throw new KrlFormatException("KRL signature sections are not supported (OpenSSH 9.4 and later refuse"
                        + " them too); sign the file with ssh-keygen -Y sign instead");
            }
            WireReader section = in.section("KRL section " + type);
            switch (type) {
                case Krl.SECTION_CERTIFICATES -> certificates(section);
                case Krl.SECTION_EXPLICIT_KEY -> blobs(section, keys, 0);
                case Krl.SECTION_FINGERPRINT_SHA1 -> blobs(section, sha1s, 20);
                case Krl.SECTION_FINGERPRINT_SHA256 -> blobs(section, sha256s, 32);
                case Krl.SECTION_EXTENSION -> extension(section);
                default -> throw new KrlFormatException("unknown KRL section type " + type);
            }
            section.expectEnd();
        }
        Map<Digest, CertificateRevocations> built = new HashMap<>();
        certificates.forEach((ca, builder) -> built.put(ca, builder.build()));
        return new Krl(built, keys.build(), sha1s.build(), sha256s.build());
    }

    private void certificates(WireReader in) throws KrlFormatException {
        Digest ca = Digest.of(in.string()); // an empty key: any CA
        in.string(); // reserved
        CertificateRevocations.Builder builder = certificates.get(ca);
        if (builder == null) {
            if (certificates.size() == MAX_CERTIFICATE_AUTHORITIES) {
                throw new KrlFormatException("certificates revoked for more than " + MAX_CERTIFICATE_AUTHORITIES
                        + " CAs (expected: at most " + MAX_CERTIFICATE_AUTHORITIES + ")");
            }
            builder = new CertificateRevocations.Builder();
            certificates.put(ca, builder);
        }
        while (in.hasMore()) {
            int type = in.byteValue();
            WireReader part = in.section("certificate section " + type);
            switch (type) {
                case Krl.CERT_SERIAL_LIST -> {
                    while (part.hasMore()) {
                        long serial = part.uint64();
                        serials(builder, serial, serial);
                    }
                }
                case Krl.CERT_SERIAL_RANGE -> serials(builder, part.uint64(), part.uint64());
                case Krl.CERT_SERIAL_BITMAP -> bitmap(builder, part.uint64(), part.string());
                case Krl.CERT_KEY_ID -> {
                    while (part.hasMore()) {
                        byte[] keyId = part.cstring("a revoked key ID");
                        entry();
                        builder.keyId(keyId);
                    }
                }
                case Krl.CERT_EXTENSION -> extension(part);
                default -> throw new KrlFormatException("unknown KRL certificate section type " + type);
            }
            part.expectEnd();
        }
    }

    private void serials(CertificateRevocations.Builder builder, long first, long last) throws KrlFormatException {
        if (first == 0) {
            throw new KrlFormatException("serial 0 revoked (expected: serials from 1; 0 is what a certificate"
                    + " without one carries, and OpenSSH refuses a KRL that revokes it)");
        }
        if (Long.compareUnsigned(first, last) > 0) {
            throw new KrlFormatException("serial range " + Long.toUnsignedString(first) + "-"
                    + Long.toUnsignedString(last) + " runs backwards");
        }
        entry();
        builder.serials(first, last);
    }

    /** Bit N of {@code mpint} (big-endian, non-negative) set: serial {@code offset + N} revoked. */
    private void bitmap(CertificateRevocations.Builder builder, long offset, byte[] mpint) throws KrlFormatException {
        if (mpint.length > 0 && mpint[0] < 0) {
            throw new KrlFormatException("negative serial bitmap");
        }
        // one more byte than the limit only for a leading zero, which keeps the top bit from reading as a sign
        if (mpint.length > MAX_BITMAP_BYTES + 1 || mpint.length == MAX_BITMAP_BYTES + 1 && mpint[0] != 0) {
            throw new KrlFormatException("serial bitmap of " + mpint.length + " bytes (expected: at most "
                    + MAX_BITMAP_BYTES + ", OpenSSH's limit; it refuses a KRL with a wider one)");
        }
        byte[] littleEndian = new byte[mpint.length];
        for (int i = 0; i < mpint.length; i++) {
            littleEndian[i] = mpint[mpint.length - 1 - i];
        }
        BitSet bits = BitSet.valueOf(littleEndian);
        long lastIndex = bits.length() - 1L;
        if (lastIndex > 0 && offset != 0 && Long.compareUnsigned(lastIndex, -offset) >= 0) {
            throw new KrlFormatException("serial bitmap from " + Long.toUnsignedString(offset) + " of "
                    + bits.length() + " bits runs past the last serial, 2^64-1");
        }
        int run = bits.nextSetBit(0);
        while (run >= 0) {
            int end = bits.nextClearBit(run);
            serials(builder, offset + run, offset + end - 1);
            run = bits.nextSetBit(end);
        }
    }

    /** @param length each blob's required length, or 0 for any */
    private void blobs(WireReader in, DigestSet.Builder into, int length) throws KrlFormatException {
        while (in.hasMore()) {
            byte[] blob = in.string();
            if (length != 0 && blob.length != length) {
                throw new KrlFormatException("a hash of " + blob.length + " bytes (expected: " + length + ")");
            }
            entry();
            into.add(blob);
        }
    }

    private static void extension(WireReader in) throws KrlFormatException {
        String name = new String(in.cstring("an extension's name"), StandardCharsets.UTF_8);
        boolean critical = in.byteValue() != 0;
        in.string(); // contents
        if (critical) {
            throw new KrlFormatException("unsupported critical KRL extension '" + name + "'");
        }
    }

    private void entry() throws KrlFormatException {
        if (++entries > RevocationList.MAX_ENTRIES) {
            throw new KrlFormatException("more than " + RevocationList.MAX_ENTRIES + " revocations (expected: at most "
                    + RevocationList.MAX_ENTRIES + " serials, serial ranges, runs of serial bitmaps, key IDs, keys and"
                    + " key hashes)");
        }
    }
}
