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
        krl(krl, false, caOption(ca), inputs);
    }

    /** {@code ssh-keygen -q -k -u -f KRL -s CA.pub INPUTS}: {@link #krl}, added to the KRL already there. */
    public static void updateKrl(Path krl, Path ca, Path... inputs) throws IOException, InterruptedException {
        krl(krl, true, caOption(ca), inputs);
    }

    /**
     * {@code ssh-keygen -q -k [-u] -f KRL -s none INPUTS}: serials and key IDs in the inputs are revoked under any CA
     * (OpenSSH's wildcard CA); with {@code update}, added to the KRL already there.
     */
    public static void krlForAnyCa(Path krl, boolean update, Path... inputs) throws IOException, InterruptedException {
        krl(krl, update, "none", inputs);
    }

    /**
     * {@code ssh-keygen -Q -f KRL key.pub}: whether OpenSSH refuses the key, by the exit status: 1 when the KRL
     * revokes it, 255 when the KRL cannot be read, in which case sshd refuses every key.
     */
    public static boolean refusedBy(Path krl, Path publicKeyFile) throws IOException, InterruptedException {
        return run(List.of("ssh-keygen", "-Q", "-f", krl.toString(), publicKeyFile.toString()), 255).exit() != 0;
    }

    private static String caOption(Path ca) {
        return ca == null ? null : ca + ".pub";
    }

    /** @param ca the argument of {@code -s}, or null for none */
    private static void krl(Path krl, boolean update, String ca, Path... inputs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-k"));
        if (update) {
            command.add("-u");
        }
        command.addAll(List.of("-f", krl.toString()));
        if (ca != null) {
            command.addAll(List.of("-s", ca));
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
        return run(command, 0).output();
    }

    private record Ran(int exit, String output) {
    }

    /** Runs {@code command}; an exit status above {@code highestExit} fails the test. */
    private static Ran run(List<String> command, int highestExit) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() > highestExit) {
            throw new AssertionError(command + " failed: " + output);
        }
        return new Ran(process.exitValue(), output);
    }

    /** A {@code .pub} file: a public key or a certificate, as MINA reads it. */
    public static PublicKey read(Path file) throws IOException {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(Files.readString(file).strip())
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
