package org.nuttssh.auth.revocation;

/** A revoked-keys file that starts like a KRL but is not one the relay can read completely. */
final class KrlFormatException extends Exception {

    KrlFormatException(String message) {
        super(message);
    }
}
