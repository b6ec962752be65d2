package org.nuttssh.auth.keys;

import java.util.Locale;
import java.util.Optional;

/** What a key may do on the relay, granted by {@code access="..."} in authorized_keys. */
public enum Access {
    /** Offer this client's forwards to others (ssh -R). */
    LISTEN,
    /** Open circuits to listening clients (ssh -W / -L / -J). */
    INITIATE,
    /** Run the operator commands: list -v, circuits, kick. It does not include listen or initiate. */
    ADMIN;

    /** The name used in authorized_keys and in messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }

    /** The level called {@code text} (case-insensitive), or empty if there is none. */
    public static Optional<Access> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Access access : values()) {
            if (access.label().equalsIgnoreCase(text)) {
                return Optional.of(access);
            }
        }
        return Optional.empty();
    }
}
