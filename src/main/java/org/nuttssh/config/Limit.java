package org.nuttssh.config;

import java.util.Locale;

/** The caps of {@link Limits}, as refusals are counted and logged under them. */
public enum Limit {
    MAX_CONNECTIONS, MAX_CONNECTION_RATE, MAX_STARTUPS, MAX_STARTUPS_PER_SOURCE, LOGIN_TIMEOUT, MAX_AUTH_ATTEMPTS,
    MAX_LISTENERS_PER_CLIENT, MAX_CIRCUITS_PER_CLIENT, MAX_SESSIONS_PER_CONNECTION, MAX_CHANNELS_PER_CONNECTION,
    MAX_MEMORY, PER_SOURCE_PENALTIES;

    /** The setting's name, which is also the metric label: {@code max-connections}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
