package org.nuttssh.config;

/** The server cannot start; the message is one line for the operator, naming what to fix. */
public final class StartupException extends Exception {

    public StartupException(String message) {
        super(message);
    }
}
