package org.nuttssh.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long and how much the relay remembers of names that were connected ({@code list --offline}).
 *
 * @param retention  how long a name is remembered after it was last seen
 * @param maxEntries how many names at most; past it, the longest unseen go first
 */
public record PresenceConfig(Duration retention, int maxEntries) {

    static final String RETENTION = "presence-retention";
    static final String MAX_ENTRIES = "presence-max-entries";
    /** A month: a gateway that has been gone that long has been noticed, or is not coming back. */
    public static final String DEFAULT_RETENTION = "30d";
    /**
     * The largest fleet measured (30,000 listening clients on three nodes, docs/performance.md) with room to spare.
     * An entry is a few hundred bytes: the sealed value of a 19-byte name with one port is 187 bytes (its JSON, a
     * format byte, nonce and tag), and Hazelcast's key and bookkeeping bring that to some 300-400. A full table is
     * then some 20 MB per copy, spread over the members, and a flood of one-off names cannot grow it further.
     */
    public static final int DEFAULT_MAX_ENTRIES = 50_000;
    /** Below a minute, names would be forgotten between two looks at {@code list --offline}. */
    static final Duration MIN_RETENTION = Duration.ofMinutes(1);
    /** Ten years: a typo's bound, not a fleet's. */
    static final Duration MAX_RETENTION = Duration.ofDays(3650);
    static final int MAX_MAX_ENTRIES = 10_000_000;
    static final String RETENTION_FORM = "a number with d, h, m or s, e.g. 30d, from 1m to 3650d";

    private static final Pattern PERIOD = Pattern.compile("(\\d{1,9})([dhms])");

    public static final PresenceConfig DEFAULT = new PresenceConfig(parseRetention(DEFAULT_RETENTION),
            DEFAULT_MAX_ENTRIES);

    public PresenceConfig {
        if (retention.compareTo(MIN_RETENTION) < 0 || retention.compareTo(MAX_RETENTION) > 0) {
            throw new SettingException(RETENTION, retention, RETENTION_FORM);
        }
        if (maxEntries < 1 || maxEntries > MAX_MAX_ENTRIES) {
            throw new SettingException(MAX_ENTRIES, maxEntries, "1-" + MAX_MAX_ENTRIES);
        }
    }

    /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 600s}. */
    public static Duration parseRetention(String text) {
        Matcher matcher = PERIOD.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new SettingException(RETENTION, text, RETENTION_FORM);
        }
        long number = Long.parseLong(matcher.group(1));
        Duration period = switch (matcher.group(2)) {
            case "d" -> Duration.ofDays(number);
            case "h" -> Duration.ofHours(number);
            case "m" -> Duration.ofMinutes(number);
            default -> Duration.ofSeconds(number);
        };
        if (period.compareTo(MIN_RETENTION) < 0 || period.compareTo(MAX_RETENTION) > 0) {
            throw new SettingException(RETENTION, text, RETENTION_FORM);
        }
        return period;
    }
}
