package org.nuttssh.circuit;

import java.util.EnumSet;

import org.nuttssh.config.Limit;
import org.nuttssh.metrics.Tally;

/**
 * The one count of what this node refused: circuits by reason, and every refusal by the limit that made it, from
 * the login limits to the memory bound. Each refusal is counted once, by whoever decides it; a refusal that another
 * node decided is that node's to count.
 */
public final class Refusals {

    private final Tally<RefusalReason> circuits = Tally.of(
            EnumSet.complementOf(EnumSet.of(RefusalReason.REMOTE)), RefusalReason::label);
    private final Tally<Limit> limits = Tally.of(Limit.class, Limit::setting);

    /** Counts a circuit refused here, and the limit behind it, if one was. */
    public void circuit(CircuitRefusedException refusal) {
        if (refusal.reason() == RefusalReason.REMOTE) {
            return;
        }
        circuits.count(refusal.reason());
        refusal.limit().ifPresent(limits::count);
    }

    /** Counts a refusal by a limit that is not a circuit's: a connection, a login, a listener, a channel. */
    public void limit(Limit limit) {
        limits.count(limit);
    }

    public Tally<RefusalReason> circuits() {
        return circuits;
    }

    public Tally<Limit> limits() {
        return limits;
    }
}
