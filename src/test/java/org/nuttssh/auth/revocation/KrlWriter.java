package org.nuttssh.auth.revocation;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes KRLs byte by byte, for what ssh-keygen would never write and for properties over many KRLs. */
final class KrlWriter {

    private final ByteArrayOutputStream sections = new ByteArrayOutputStream();
    private long version = Krl.FORMAT_VERSION;

    KrlWriter version(long formatVersion) {
        this.version = formatVersion;
        return this;
    }

    KrlWriter section(int type, byte[] data) {
        sections.write(type);
        sections.writeBytes(string(data));
        return this;
    }

    KrlWriter extension(String name, boolean critical) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(string(name.getBytes(StandardCharsets.UTF_8)));
        data.write(critical ? 1 : 0);
        data.writeBytes(string(new byte[0]));
        return section(Krl.SECTION_EXTENSION, data.toByteArray());
    }

    /** A certificates section for any CA (no CA key, as ssh-keygen -k -s none writes) revoking {@code serial}. */
    KrlWriter anyCaSerials(long serial) {
        return certificates(new byte[0], Krl.CERT_SERIAL_LIST, uint64(serial));
    }

    /** A certificates section for {@code caKey} (empty: any CA) with one part. */
    KrlWriter certificates(byte[] caKey, int partType, byte[] partData) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(string(caKey));
        data.writeBytes(string(new byte[0]));
        data.write(partType);
        data.writeBytes(string(partData));
        return section(Krl.SECTION_CERTIFICATES, data.toByteArray());
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Krl.MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) version).array());
        out.writeBytes(uint64(1)); // krl_version
        out.writeBytes(uint64(0)); // generated_date
        out.writeBytes(uint64(0)); // flags
        out.writeBytes(string(new byte[0])); // reserved
        out.writeBytes(string("test".getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(sections.toByteArray());
        return out.toByteArray();
    }

    static byte[] uint64(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static byte[] string(byte[] value) {
        return ByteBuffer.allocate(4 + value.length).putInt(value.length).put(value).array();
    }

    /** Several SSH strings one after another. */
    static byte[] strings(byte[]... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] value : values) {
            out.writeBytes(string(value));
        }
        return out.toByteArray();
    }

    /** An SSH mpint holding {@code value} (non-negative): big-endian two's complement, no needless leading zero. */
    static byte[] mpint(BigInteger value) {
        return value.signum() == 0 ? new byte[0] : value.toByteArray();
    }
}
