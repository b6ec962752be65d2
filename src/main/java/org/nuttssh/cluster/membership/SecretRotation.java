package org.nuttssh.cluster.membership;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nuttssh.cluster.registry.SealingKey;
import org.nuttssh.cluster.registry.SealingKeys;
import org.nuttssh.cluster.trust.ClusterSecret;
import org.nuttssh.cluster.trust.ClusterSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cluster secret this node seals with while the secret is rotated: the current one, which every node had at
 * start, until every node now a member announces in its proof that it holds the next one; then the next one. A node
 * of a release that announces no secrets (df46318) holds only the current one, so the cluster stays on it while such
 * a node is a member. Every secret held opens. {@link #check} follows the files and the proofs; it runs on the
 * membership's polling thread, and blocks on the network when this node's proof changes.
 */
public final class SecretRotation {

    private static final Logger log = LoggerFactory.getLogger(SecretRotation.class);

    private final ClusterSecrets secrets;
    private final NodeProofs proofs;
    private volatile ClusterSecret sealing;
    /** The keys handed out, by purpose, each kept in step with what seals and what opens. */
    private final Map<String, SealingKeys> keys = new ConcurrentHashMap<>();
    private volatile Runnable sealingChanged = () -> { };
    /** The last problem with the files, logged once rather than at every poll. */
    private String problem;
    /** The ids this node's proof announces: its proof is signed again, until that succeeds, when they change. */
    private List<String> announced;

    SecretRotation(ClusterSecrets secrets, NodeProofs proofs) {
        this.secrets = secrets;
        this.proofs = proofs;
        this.sealing = secrets.held().current();
        this.announced = secrets.held().ids();
    }

    /**
     * The keys for {@code purpose}, derived from the secrets held: they seal with the one that seals and open with
     * any held, now and after every change.
     */
    public SealingKeys keys(String purpose) {
        return keys.computeIfAbsent(purpose, p -> {
            SealingKeys ring = new SealingKeys(sealing.derive(p, SealingKey.BYTES));
            update(p, ring);
            return ring;
        });
    }

    /**
     * Calls back, on the polling thread, once the secret that seals changed: what was sealed before is to be sealed
     * again.
     */
    public void onSealingChanged(Runnable callback) {
        this.sealingChanged = callback;
    }

    /** Reads the secret files again if they changed, announces what this node holds, and chooses what seals. */
    void check() {
        boolean held = false;
        try {
            held = secrets.reload();
            problem = null;
        } catch (IOException e) {
            if (!e.getMessage().equals(problem)) {
                problem = e.getMessage();
                log.error("cannot read the cluster secrets: {}", problem);
            }
        }
        ClusterSecrets.Held now = secrets.held();
        if (held) {
            log.info("cluster secrets read again: this node holds {} (ids {})", now.next().isPresent()
                    ? "the current and the next secret" : "one secret", String.join(", ", now.ids()));
            // Opens with a new secret before announcing it: the others may seal with it as soon as they read that.
            keys.forEach(this::update);
        }
        if (!now.ids().equals(announced)) {
            proofs.republish();
            announced = now.ids();
        }
        ClusterSecret next = now.next().filter(secret -> proofs.allHold(secret.id())).orElse(now.current());
        if (!next.id().equals(sealing.id())) {
            sealing = next;
            if (now.next().isEmpty()) {
                log.info("sealing with the cluster secret {}, the only one this node holds now", next.id());
            } else if (next == now.next().get()) {
                log.info("every node holds the next cluster secret (id {}): sealing with it now; the old one can be "
                        + "retired (cluster-certs --retire-old-secret) once every node logs this", next.id());
            } else {
                log.info("a node now a member does not announce the next cluster secret: sealing with the current "
                        + "one (id {}) again", next.id());
            }
            keys.forEach(this::update);
            sealingChanged.run();
        }
    }

    private void update(String purpose, SealingKeys ring) {
        ClusterSecret now = sealing;
        ring.use(now.derive(purpose, SealingKey.BYTES), secrets.held().all().stream()
                .filter(other -> !other.id().equals(now.id())).map(other -> other.derive(purpose, SealingKey.BYTES))
                .toList());
    }
}
