package org.nuttssh.proxy;

/** A connection's first bytes are not a PROXY header this relay accepts; the message says what is wrong. */
final class ProxyHeaderException extends Exception {
    ProxyHeaderException(String message) {
        super(message);
    }
}
