package org.nuttssh.circuit;

import org.apache.sshd.common.SshConstants;

/**
 * A circuit could not be opened. The message goes to the initiator as the channel-open failure text, which OpenSSH
 * prints, so it must make sense to a person; the reason is an RFC 4254 channel-open failure code.
 */
public final class CircuitRefusedException extends Exception {

    private final int reasonCode;

    public CircuitRefusedException(int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public static CircuitRefusedException prohibited(String message) {
        return new CircuitRefusedException(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, message);
    }

    public static CircuitRefusedException connectFailed(String message) {
        return new CircuitRefusedException(SshConstants.SSH_OPEN_CONNECT_FAILED, message);
    }

    public int reasonCode() {
        return reasonCode;
    }
}
