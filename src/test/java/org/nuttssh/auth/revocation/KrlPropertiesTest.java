package org.nuttssh.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.config.keys.OpenSshCertificateImpl;
import org.nuttssh.testing.Fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The KRL parser against generated input: noise and damaged KRLs are read or refused with a
 * {@link KrlFormatException}, nothing else and never a hang; and a KRL revokes exactly the serials and key IDs it
 * names, for its CA only, whichever of lists, ranges and bitmaps holds them.
 */
class KrlPropertiesTest {

    private static final byte[] CA = "ca key blob".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_CA = "other ca key blob".getBytes(StandardCharsets.UTF_8);

    /** What a generated KRL revokes, as a model to compare with. */
    record Revocations(Set<Long> serials, long rangeMin, long rangeMax, long bitmapOffset, BigInteger bitmap,
                       Set<String> ids) {

        boolean revokes(long serial, String id) {
            boolean bySerial = serial != 0 && (serials.contains(serial)
                    || serial >= rangeMin && serial <= rangeMax
                    || serial >= bitmapOffset && serial - bitmapOffset < bitmap.bitLength()
                            && bitmap.testBit((int) (serial - bitmapOffset)));
            return bySerial || ids.contains(id);
        }

        byte[] krl() {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            serials.forEach(serial -> list.writeBytes(KrlWriter.uint64(serial)));
            ByteArrayOutputStream range = new ByteArrayOutputStream();
            range.writeBytes(KrlWriter.uint64(rangeMin));
            range.writeBytes(KrlWriter.uint64(rangeMax));
            ByteArrayOutputStream bits = new ByteArrayOutputStream();
            bits.writeBytes(KrlWriter.uint64(bitmapOffset));
            bits.writeBytes(KrlWriter.string(KrlWriter.mpint(bitmap)));
            return new KrlWriter()
                    .certificates(CA, Krl.CERT_SERIAL_LIST, list.toByteArray())
                    .certificates(CA, Krl.CERT_SERIAL_RANGE, range.toByteArray())
                    .certificates(CA, Krl.CERT_SERIAL_BITMAP, bits.toByteArray())
                    .certificates(CA, Krl.CERT_KEY_ID, KrlWriter.strings(ids.stream()
                            .map(id -> id.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new)))
                    .bytes();
        }
    }

    @Property(tries = 300)
    void aKrlRevokesExactlyWhatItNames(@ForAll("revocations") Revocations model,
                                       @ForAll("serials") long serial, @ForAll("ids") String id) throws Exception {
        Krl krl = KrlParser.parse(model.krl());
        OpenSshCertificateImpl certificate = new OpenSshCertificateImpl();
        certificate.setSerial(serial);
        certificate.setId(id);
        assertEquals(model.revokes(serial, id), krl.revokesCertificate(certificate, CA).isPresent(),
                "serial " + serial + " id " + id);
        assertEquals(false, krl.revokesCertificate(certificate, OTHER_CA).isPresent(), "another CA's certificate");
    }

    @Property(tries = 1000)
    void noiseAfterTheHeaderIsReadOrRefused(@ForAll("noise") byte[] noise) throws Exception {
        byte[] header = new KrlWriter().bytes();
        byte[] krl = new byte[header.length + noise.length];
        System.arraycopy(header, 0, krl, 0, header.length);
        System.arraycopy(noise, 0, krl, header.length, noise.length);
        Fuzz.endsOrRefusesWith(KrlFormatException.class, () -> KrlParser.parse(krl));
    }

    @Property(tries = 2000)
    void damagedKrlsAreReadOrRefused(@ForAll("damaged") byte[] krl) throws Exception {
        Fuzz.endsOrRefusesWith(KrlFormatException.class, () -> KrlParser.parse(krl));
    }

    @Provide
    Arbitrary<Revocations> revocations() {
        Arbitrary<Long> serial = Arbitraries.longs().between(1, 400);
        return Combinators.combine(serial.set().ofMaxSize(8), serial, Arbitraries.longs().between(0, 60), serial,
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(100)),
                ids().set().ofMaxSize(3))
                .as((serials, min, width, offset, bits, ids) -> new Revocations(serials, min, min + width, offset,
                        bits, ids));
    }

    @Provide
    Arbitrary<Long> serials() {
        return Arbitraries.longs().between(0, 520);
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.of("gw-1", "gw-2", "gw-3", "ops", "");
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Fuzz.noise(300);
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Revocations sample = new Revocations(Set.of(3L, 9L), 20, 40, 100, BigInteger.valueOf(0b1011), Set.of("gw-1"));
        byte[] withKeys = new KrlWriter()
                .section(Krl.SECTION_EXPLICIT_KEY, KrlWriter.strings(CA, OTHER_CA))
                .section(Krl.SECTION_FINGERPRINT_SHA1, KrlWriter.strings(new byte[20]))
                .section(Krl.SECTION_FINGERPRINT_SHA256, KrlWriter.strings(new byte[32]))
                .extension("note@example.org", false).bytes();
        return Fuzz.mutationsOf(List.of(sample.krl(), withKeys));
    }
}
