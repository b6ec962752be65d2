package org.nuttssh.events;

import java.util.Locale;

/** What became of an event meant for the webhook, as the metrics count it. */
public enum WebhookOutcome {
    /** The receiver took it (HTTP 2xx). */
    SENT,
    /** The queue was full: the receiver was too slow or down for too long. */
    DROPPED,
    /** Its batch failed every attempt. */
    FAILED;

    /** The metric label: {@code sent}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
