package org.nuttssh.circuit;

import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.apache.sshd.common.SshConstants;
import org.nuttssh.config.Limit;

/**
 * A circuit could not be opened. The message goes to the initiator as the channel-open failure text, which OpenSSH
 * prints, so it must make sense to a person; the reason code is an RFC 4254 channel-open failure code, and the
 * {@link RefusalReason} the category it is counted under.
 */
public final class CircuitRefusedException extends Exception {

    private final int reasonCode;
    private final RefusalReason reason;
    /** The setting that refused it, for a {@link RefusalReason#LIMIT}; else null. */
    private final Limit limit;

    /** A refusal passed on from the node that decided it, which has counted it already. */
    public CircuitRefusedException(int reasonCode, String message) {
        this(RefusalReason.REMOTE, reasonCode, message, null);
    }

    public CircuitRefusedException(RefusalReason reason, int reasonCode, String message) {
        this(reason, reasonCode, message, null);
    }

    private CircuitRefusedException(RefusalReason reason, int reasonCode, String message, Limit limit) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
        this.reason = reason;
        this.limit = limit;
    }

    public static CircuitRefusedException prohibited(String message) {
        return of(RefusalReason.PROHIBITED, message);
    }

    /** Refused by {@code limit}: a resource shortage, as the client sees it. */
    public static CircuitRefusedException limit(Limit limit, String message) {
        return new CircuitRefusedException(RefusalReason.LIMIT, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, message, limit);
    }

    /** The refusal a failed open stands for; unexpected failures become a generic "relay error". */
    public static CircuitRefusedException from(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof CircuitRefusedException refused
                ? refused
                : connectFailed("relay error: " + cause);
    }

    /** A node on the way could not be reached or failed. */
    public static CircuitRefusedException connectFailed(String message) {
        return of(RefusalReason.CONNECT_FAILED, message);
    }

    /** A refusal decided on this node, with the channel-open failure code that fits the reason. */
    public static CircuitRefusedException of(RefusalReason reason, String message) {
        int code = switch (reason) {
            case PROHIBITED -> SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
            case LIMIT -> SshConstants.SSH_OPEN_RESOURCE_SHORTAGE;
            default -> SshConstants.SSH_OPEN_CONNECT_FAILED;
        };
        return new CircuitRefusedException(reason, code, message, null);
    }

    public int reasonCode() {
        return reasonCode;
    }

    public RefusalReason reason() {
        return reason;
    }

    public Optional<Limit> limit() {
        return Optional.ofNullable(limit);
    }
}
