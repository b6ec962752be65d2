package org.nuttssh.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.nuttssh.testing.SshKeygen;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * KRLs written by the real {@code ssh-keygen -k} from generated specifications (every directive of ssh-keygen(1),
 * "KEY REVOCATION LISTS", and plain public keys and certificates), for one CA, for any CA ({@code -s none}) or for
 * none, created and then updated with {@code -u}; every key and certificate checked gets the relay's verdict and
 * OpenSSH's, {@code ssh-keygen -Q}, and they must agree. Each try runs ssh-keygen a few times, so tries are few.
 */
class KrlParityTest {

    /** Device keys, then the CAs: certificates are signed by the last {@link #CAS} of them. */
    private static final List<String> KEY_TYPES = List.of("ed25519", "ed25519", "ecdsa", "rsa", "ed25519", "ecdsa");
    private static final int CAS = 2;
    private static final List<String> IDS = List.of("gw-1", "gw-2", "ops");

    private static Path dir;
    private static final Map<Subject, Path> files = new HashMap<>();
    private static int krls;

    /** A key ({@code ca} -1) or a certificate of key {@code key} signed by CA {@code ca}. */
    record Subject(int key, int ca, long serial, String id) {

        Path file() throws IOException, InterruptedException {
            Path file = files.get(this);
            if (file == null) {
                Path key = dir.resolve("key" + key());
                if (ca < 0) {
                    file = Path.of(key + ".pub");
                } else {
                    Path cert = SshKeygen.certify(key, dir.resolve("key" + caKey(ca)), id, "-n", "gw",
                            "-z", Long.toUnsignedString(serial));
                    file = dir.resolve("subject" + files.size() + "-cert.pub");
                    Files.move(cert, file);
                }
                files.put(this, file);
            }
            return file;
        }

        PublicKey publicKey() throws IOException, InterruptedException {
            return SshKeygen.read(file());
        }
    }

    /** One line of a specification: {@code directive} is "serial", "id", "key", "sha1", "sha256", "hash" or "". */
    record Line(String directive, long from, long to, String id, Subject subject) {

        String text() throws IOException, InterruptedException {
            return switch (directive) {
                case "serial" -> "serial: " + serial(from) + (from == to ? "" : "-" + serial(to));
                case "id" -> "id: " + id;
                case "hash" -> "hash: " + SshKeygen.fingerprint(dir.resolve("key" + subject.key()));
                case "" -> Files.readString(subject.file()).strip();
                default -> directive + ": " + Files.readString(subject.file()).strip();
            };
        }

        /** Decimal, or hexadecimal for large ones: ssh-keygen reads either. */
        private static String serial(long serial) {
            return Long.compareUnsigned(serial, 1L << 32) < 0 ? Long.toString(serial) : "0x" + Long.toHexString(serial);
        }
    }

    /** One run of ssh-keygen -k: {@code ca} is a CA's index, -1 for {@code -s none}, or null for no {@code -s}. */
    record Run(Integer ca, List<Line> lines) {
    }

    @BeforeContainer
    static void keys() throws Exception {
        dir = Files.createTempDirectory("nuttssh-krl-parity-");
        for (int i = 0; i < KEY_TYPES.size(); i++) {
            SshKeygen.generate(dir.resolve("key" + i), KEY_TYPES.get(i), "key" + i);
        }
    }

    @AfterContainer
    static void removeKeys() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Property(tries = 40)
    void theRelayRevokesWhatOpenSshRevokes(@ForAll("runs") List<Run> runs, @ForAll("subjects") List<Subject> checked)
            throws Exception {
        Path krl = dir.resolve("revoked" + krls++ + ".krl");
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            List<String> spec = new ArrayList<>();
            for (Line line : run.lines()) {
                spec.add(line.text());
            }
            Path specFile = dir.resolve("spec");
            Files.writeString(specFile, String.join("\n", spec) + "\n", StandardCharsets.UTF_8);
            boolean update = i > 0;
            if (run.ca() != null && run.ca() < 0) {
                SshKeygen.krlForAnyCa(krl, update, specFile);
            } else {
                Path ca = run.ca() == null ? null : dir.resolve("key" + caKey(run.ca()));
                if (update) {
                    SshKeygen.updateKrl(krl, ca, specFile);
                } else {
                    SshKeygen.krl(krl, ca, specFile);
                }
            }
        }
        RevokedKeys relay = RevokedKeys.load(krl);
        for (Subject subject : checked) {
            boolean refused = SshKeygen.refusedBy(krl, subject.file());
            Statistics.collect(refused ? "refused" : "admitted");
            assertEquals(refused, relay.revocation(subject.publicKey()).isPresent(), subject + " against " + runs);
        }
    }

    @Provide
    Arbitrary<List<Run>> runs() {
        Arbitrary<Integer> ca = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(-1)),
                Tuple.of(3, Arbitraries.integers().between(0, CAS - 1)));
        Arbitrary<Run> run = ca.injectNull(0.15).flatMap(scope -> lines(scope != null).list().ofMinSize(1).ofMaxSize(8)
                .map(lines -> new Run(scope, lines)));
        return run.list().ofMinSize(1).ofMaxSize(2);
    }

    @Provide
    Arbitrary<List<Subject>> subjects() {
        return subject().list().ofMinSize(4).ofMaxSize(8);
    }

    /** @param byCertificate whether the run names a CA, without which serials and key IDs cannot be revoked */
    private Arbitrary<Line> lines(boolean byCertificate) {
        Arbitrary<Long> nonZero = serials().filter(serial -> serial != 0); // ssh-keygen refuses serial 0
        Arbitrary<Line> serial = nonZero.map(s -> new Line("serial", s, s, null, null));
        // ssh-keygen writes short runs as bitmaps, long ones as ranges
        Arbitrary<Long> widths = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.longs().between(1, 40)),
                Tuple.of(1, Arbitraries.longs().between(100, 100_000)));
        Arbitrary<Line> range = Combinators.combine(nonZero, widths).as((from, width) -> {
            long to = Long.compareUnsigned(from + width, from) < 0 ? -1 : from + width; // up to the last serial
            return new Line("serial", from, to, null, null);
        }).filter(line -> line.from() != line.to());
        Arbitrary<Line> id = Arbitraries.of(IDS).map(keyId -> new Line("id", 0, 0, keyId, null));
        Arbitrary<Line> key = Combinators.combine(Arbitraries.of("key", "sha1", "sha256", ""), subject())
                .as((directive, subject) -> new Line(directive, 0, 0, null, subject));
        Arbitrary<Line> hash = Arbitraries.integers().between(0, KEY_TYPES.size() - 1)
                .map(k -> new Line("hash", 0, 0, null, new Subject(k, -1, 0, null)));
        return byCertificate ? Arbitraries.oneOf(serial, serial, range, id, key, hash) : Arbitraries.oneOf(key, hash);
    }

    private static Arbitrary<Subject> subject() {
        Arbitrary<Subject> plain = Arbitraries.integers().between(0, KEY_TYPES.size() - 1)
                .map(k -> new Subject(k, -1, 0, null));
        Arbitrary<Subject> certificate = Combinators.combine(Arbitraries.integers().between(0, KEY_TYPES.size() - 1),
                Arbitraries.integers().between(0, CAS - 1), serials(), Arbitraries.of(IDS)).as(Subject::new);
        return Arbitraries.oneOf(plain, certificate, certificate);
    }

    /** Mostly small and close together, so that lists, ranges and bitmaps all occur, and the unsigned extremes. */
    private static Arbitrary<Long> serials() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 60)),
                Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, -2L, -1L)));
    }

    private static int caKey(int ca) {
        return KEY_TYPES.size() - CAS + ca;
    }
}
