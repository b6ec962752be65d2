package org.nuttssh.circuit;

import org.apache.sshd.common.SshConstants;

/**
 * A circuit could not be opened. The message goes to the initiator as the channel-open failure text, which OpenSSH
 * prints, so it must make sense to a person; the reason code is an RFC 4254 channel-open failure code, and the
 * {@link RefusalReason} the category it is counted under.
 */
public final class CircuitRefusedException extends Exception {

    private final int reasonCode;
    private final RefusalReason reason;

    /** A refusal passed on from the node that decided it, which has counted it already. */
    public CircuitRefusedException(int reasonCode, String message) {
        this(RefusalReason.REMOTE, reasonCode, message);
    }

    public CircuitRefusedException(RefusalReason reason, int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
        this.reason = reason;
    }

    public static CircuitRefusedException prohibited(String message) {
        return new CircuitRefusedException(RefusalReason.PROHIBITED, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                message);
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
        return new CircuitRefusedException(reason, code, message);
    }

    public int reasonCode() {
        return reasonCode;
    }

    public RefusalReason reason() {
        return reason;
    }
}
