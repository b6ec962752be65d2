package org.nuttssh.cluster.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One purpose's keys, one derived from each cluster secret the node holds, while the secret is rotated: values are
 * sealed with one of them, which the node may change at any time, and opened with whichever fits. Two at most, so a
 * value that opens with none costs two failed opens of a few hundred bytes.
 */
public final class SealingKeys implements Sealer {

    /** The sealing key first: most values open with it. */
    private volatile List<SealingKey> keys;

    public SealingKeys(byte[] sealing) {
        use(sealing, List.of());
    }

    /**
     * @param sealing what seals from now on
     * @param others  what opens too: the keys of the other secrets held
     */
    public void use(byte[] sealing, List<byte[]> others) {
        List<SealingKey> now = new ArrayList<>();
        now.add(new SealingKey(sealing));
        others.forEach(key -> now.add(new SealingKey(key)));
        keys = List.copyOf(now);
    }

    @Override
    public byte[] seal(byte[] associated, byte[] plaintext) {
        return keys.get(0).seal(associated, plaintext);
    }

    @Override
    public Optional<byte[]> open(byte[] associated, byte[] sealed) {
        for (SealingKey key : keys) {
            Optional<byte[]> plain = key.open(associated, sealed);
            if (plain.isPresent()) {
                return plain;
            }
        }
        return Optional.empty();
    }
}
