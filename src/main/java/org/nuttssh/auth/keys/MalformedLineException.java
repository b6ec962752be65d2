package org.nuttssh.auth.keys;

/** Why a line of authorized_keys cannot be used; the message is the reason shown after "FILE:LINE: ". */
final class MalformedLineException extends Exception {
    MalformedLineException(String reason) {
        super(reason);
    }
}
