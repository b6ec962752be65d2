package org.nuttssh.cluster.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.nuttssh.config.PrivateFile;
import org.nuttssh.config.StartupException;

/**
 * The secret every node of a cluster shares, read from {@code --cluster-secret FILE}. It is never used directly:
 * each purpose gets its own key, derived with HKDF-SHA256, so that a new purpose never weakens an old one.
 */
public final class ClusterSecret {

    /** 256 bits, the strength of the keys derived from it; {@code cluster-certs} writes exactly this many. */
    public static final int MIN_BYTES = 32;
    /** A secret file is small; anything much larger is the wrong file. */
    private static final int MAX_BYTES = 4096;
    /** What an id is derived for: a purpose no key has, so an id reveals nothing of any key. */
    private static final String ID_PURPOSE = "nuttssh secret id v1";
    /** 64 bits: two random secrets of one cluster share an id with a chance of one in 2^64. */
    private static final int ID_BYTES = 8;

    private final byte[] secret;
    /** Asked for at every poll of the secret files and every look at the other nodes' announcements: made once. */
    private final String id;

    private ClusterSecret(byte[] secret) {
        this.secret = secret;
        this.id = HexFormat.of().formatHex(derive(ID_PURPOSE, ID_BYTES));
    }

    /** Reads the file; refuses one that is too short, too long or accessible by other users, saying how to fix it. */
    public static ClusterSecret load(Path file) throws StartupException {
        try {
            PrivateFile.check(file, "cluster secret");
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
                throw new StartupException("cluster secret " + file + " holds " + bytes.length + " bytes (expected: "
                        + MIN_BYTES + " to " + MAX_BYTES + " random bytes, as cluster-certs writes them)");
            }
            return new ClusterSecret(bytes);
        } catch (NoSuchFileException e) {
            throw new StartupException("cluster secret " + file + " does not exist; make it, with the certificates, "
                    + "with: java -jar nuttssh.jar cluster-certs --dir DIR NODE...");
        } catch (IOException e) {
            throw new StartupException("cannot read cluster secret " + file + ": " + e.getMessage());
        }
    }

    /**
     * Names this secret without revealing it, in hex: nodes announce the ids of the secrets they hold in their proofs,
     * so that each knows when every node holds a new one.
     */
    public String id() {
        return id;
    }

    /** A key of {@code length} bytes for one purpose, named by {@code purpose}; the same on every node. */
    public byte[] derive(String purpose, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, null, purpose.getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[length];
        hkdf.generateBytes(key, 0, length);
        return key;
    }
}
