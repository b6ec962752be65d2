package org.nuttssh.auth.keys;

/** The authorized_keys file cannot be used at all; the message is one line meant for the person starting Nuttssh. */
public final class AuthorizedKeysException extends Exception {
    AuthorizedKeysException(String message) {
        super(message);
    }

    AuthorizedKeysException(String message, Throwable cause) {
        super(message, cause);
    }
}
