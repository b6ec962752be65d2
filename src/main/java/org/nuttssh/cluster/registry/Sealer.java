package org.nuttssh.cluster.registry;

import java.util.Optional;

/** Seals values so that only a holder of the cluster secret opens them, and only with the same associated data. */
public interface Sealer {

    byte[] seal(byte[] associated, byte[] plaintext);

    /** @return the plaintext, or empty when {@code sealed} does not open with this associated data */
    Optional<byte[]> open(byte[] associated, byte[] sealed);
}
