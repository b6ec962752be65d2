package org.nuttssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Keys, certificates and KRLs made by the real {@code ssh-keygen}, so that the relay is tested against the files
 * users make, read back as MINA reads them. A key is named by its private key file; its public key and certificate
 * are beside it, as ssh-keygen writes them. Each form of the command is written here once.
 */
public final class SshKeygen {

    private final Path dir;

    public SshKeygen(Path dir) {
        this.dir = dir;
    }

    /** The key {@code name} in this directory (ed25519, with ssh-keygen's own comment), made on first use. */
    public Path key(String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        if (!Files.exists(key)) {
            make(key, "ed25519", null, null);
        }
        return key;
    }

    /** {@code ssh-keygen -q -t TYPE -N '' -C COMMENT -f FILE}. */
    public static void generate(Path file, String type, String comment) throws IOException, InterruptedException {
        make(file, type, null, comment);
    }

    /** {@code ssh-keygen -q -t TYPE -b BITS -N '' -C COMMENT -f FILE}. */
    public static void generate(Path file, String type, int bits, String comment)
            throws IOException, InterruptedException {
        make(file, type, bits, comment);
    }

    /**
     * @param bits    null for the type's default
     * @param comment null for ssh-keygen's own, user@host
     */
    private static void make(Path file, String type, Integer bits, String comment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type));
        if (bits != null) {
            command.addAll(List.of("-b", bits.toString()));
        }
        command.addAll(List.of("-N", ""));
        if (comment != null) {
            command.addAll(List.of("-C", comment));
        }
        command.addAll(List.of("-f", file.toString()));
        run(command);
    }

    /**
     * {@code ssh-keygen -q -s CA -I ID OPTIONS key.pub}, which writes {@code key-cert.pub}, the file returned (give
     * principals with {@code -n}, validity with {@code -V}, a serial with {@code -z}, options with {@code -O}, a
     * host certificate with {@code -h}).
     */
    public static Path certify(Path key, Path ca, String id, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", id));
        command.addAll(Arrays.asList(options));
        command.add(key + ".pub");
        run(command);
        return Path.of(key + "-cert.pub");
    }

    /** {@link #certify}, read back. */
    public static PublicKey certificate(Path key, Path ca, String id, String... options)
            throws IOException, InterruptedException {
        return read(certify(key, ca, id, options));
    }

    /**
     * {@code ssh-keygen -q -k -f KRL -s CA.pub INPUTS}: a new KRL revoking what the inputs (specification files or
     * public keys) name. Without {@code ca} (null) it has no {@code -s}, and serials and key IDs cannot be revoked.
     */
    public static void krl(Path krl, Path ca, Path... inputs) throws IOException, InterruptedException {
        krl(krl, false, ca, inputs);
    }

    /** {@code ssh-keygen -q -k -u -f KRL -s CA.pub INPUTS}: {@link #krl}, added to the KRL already there. */
    public static void updateKrl(Path krl, Path ca, Path... inputs) throws IOException, InterruptedException {
        krl(krl, true, ca, inputs);
    }

    private static void krl(Path krl, boolean update, Path ca, Path... inputs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-k"));
        if (update) {
            command.add("-u");
        }
        command.addAll(List.of("-f", krl.toString()));
        if (ca != null) {
            command.addAll(List.of("-s", ca + ".pub"));
        }
        for (Path input : inputs) {
            command.add(input.toString());
        }
        run(command);
    }

    /** {@code ssh-keygen -l -f key.pub}: the SHA256 fingerprint, as OpenSSH prints it. */
    public static String fingerprint(Path key) throws IOException, InterruptedException {
        return run(List.of("ssh-keygen", "-l", "-f", key + ".pub")).split(" ")[1];
    }

    public static PublicKey publicKey(Path key) throws IOException {
        return read(Path.of(key + ".pub"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
        return output;
    }

    private static PublicKey read(Path file) throws IOException {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(Files.readString(file).strip())
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
