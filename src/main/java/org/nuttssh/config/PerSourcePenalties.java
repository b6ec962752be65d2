package org.nuttssh.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/**
 * {@code per-source-penalties} and {@code per-source-penalty-exempt}, in the manner of OpenSSH 9.8's
 * PerSourcePenalties: each connection that ends badly adds its offence's time to its source's penalty (an IPv4
 * address, an IPv6 /64), which runs down as time passes; once a source's penalty exceeds {@code min}, its new
 * connections are refused until the penalty has run out. A penalty never exceeds {@code max}.
 *
 * @param enabled       false: nothing is penalised ({@code off})
 * @param authFail      a connection that had a key refused, or too many authentication requests, and ended without
 *                      logging in
 * @param noAuth        a connection that agreed on a key exchange, so the relay computed one, and ended without
 *                      trying a key
 * @param graceExceeded a connection that did not log in within {@code login-timeout}
 * @param min           the penalty a source must exceed before its connections are refused
 * @param max           the longest penalty a source can have
 * @param maxSources    sources with a penalty remembered at once; beyond, the penalties that end soonest are forgotten
 * @param exempt        sources never penalised
 */
public record PerSourcePenalties(boolean enabled, Duration authFail, Duration noAuth, Duration graceExceeded,
                                 Duration min, Duration max, int maxSources, List<CidrBlock> exempt) {

    public static final String SETTING = "per-source-penalties";
    public static final String EXEMPT_SETTING = "per-source-penalty-exempt";
    /**
     * OpenSSH's values for failed logins (5 s), connections without a login attempt (1 s), the threshold (15 s) and
     * the longest penalty (10 min): an address must fail four logins, or make sixteen key exchanges for nothing,
     * faster than the penalty runs down before it is refused, which a device that retries every few seconds never
     * does. A timed-out login costs 10 s: it held a handshake slot for login-timeout. Up to 16384 sources
     * (210 bytes of heap each, measured with 100000 of them: 3.4 MB) are remembered.
     */
    public static final String DEFAULT = "authfail:5s,noauth:1s,grace-exceeded:10s,min:15s,max:10m,max-sources:16384";
    public static final PerSourcePenalties OFF = new PerSourcePenalties(false, Duration.ZERO, Duration.ZERO,
            Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, List.of());
    private static final long SECONDS_PER_MINUTE = 60;
    private static final long SECONDS_PER_HOUR = 3600;
    private static final String RANGES = "min below max, and max-sources 1 or more";
    private static final String EXPECTED = "off, or comma-separated KEY:VALUE items overriding " + DEFAULT
            + " (a time is N, Ns, Nm or Nh; 0 leaves that offence unpunished)";

    public PerSourcePenalties {
        exempt = List.copyOf(exempt);
        if (enabled && (max.isZero() || min.compareTo(max) >= 0 || maxSources < 1)) {
            throw new SettingException(SETTING, describe(authFail, noAuth, graceExceeded, min, max, maxSources),
                    RANGES);
        }
    }

    /**
     * @param spec   {@code off}, or items overriding {@link #DEFAULT}; empty for the default
     * @param exempt addresses or CIDR blocks
     */
    public static PerSourcePenalties parse(String spec, List<String> exempt) {
        List<CidrBlock> blocks = CidrSetting.parse(EXEMPT_SETTING, exempt, "192.0.2.7,10.0.0.0/8");
        String text = spec.strip();
        if (text.equalsIgnoreCase("off")) {
            return OFF;
        }
        // DEFAULT first, then what was written: every key is set, the last value wins.
        Duration[] times = new Duration[5];
        int maxSources = 0;
        for (String item : (DEFAULT + (text.isEmpty() ? "" : "," + text)).split(",", -1)) {
            String[] keyValue = item.strip().split(":", -1);
            if (keyValue.length != 2) {
                throw new SettingException(SETTING, spec, EXPECTED);
            }
            String value = keyValue[1].strip();
            switch (keyValue[0].strip().toLowerCase(Locale.ROOT)) {
                case "authfail" -> times[0] = time(spec, value);
                case "noauth" -> times[1] = time(spec, value);
                case "grace-exceeded" -> times[2] = time(spec, value);
                case "min" -> times[3] = time(spec, value);
                case "max" -> times[4] = time(spec, value);
                case "max-sources" -> maxSources = (int) number(spec, value);
                default -> throw new SettingException(SETTING, spec, EXPECTED);
            }
        }
        try {
            return new PerSourcePenalties(true, times[0], times[1], times[2], times[3], times[4], maxSources, blocks);
        } catch (SettingException e) {
            throw new SettingException(SETTING, spec, RANGES);
        }
    }

    /** Whether {@code address} is in an exempt block. */
    public boolean exempts(IpAddress address) {
        return exempt.stream().anyMatch(block -> block.contains(address));
    }

    private static Duration seconds(long n) {
        return Duration.ofSeconds(n);
    }

    private static Duration time(String spec, String value) {
        if (value.isEmpty()) {
            throw new SettingException(SETTING, spec, EXPECTED);
        }
        char unit = value.charAt(value.length() - 1);
        long perUnit = switch (unit) {
            case 's' -> 1;
            case 'm' -> SECONDS_PER_MINUTE;
            case 'h' -> SECONDS_PER_HOUR;
            default -> 0;
        };
        return perUnit == 0 ? seconds(number(spec, value))
                : seconds(number(spec, value.substring(0, value.length() - 1)) * perUnit);
    }

    /** Up to 9 digits: any more is no sensible count or time, and could overflow. */
    private static long number(String spec, String digits) {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SettingException(SETTING, spec, EXPECTED);
        }
        return Long.parseLong(digits);
    }

    private static String describe(Duration authFail, Duration noAuth, Duration graceExceeded, Duration min,
                                   Duration max, int maxSources) {
        return "authfail:" + text(authFail) + ",noauth:" + text(noAuth) + ",grace-exceeded:" + text(graceExceeded)
                + ",min:" + text(min) + ",max:" + text(max) + ",max-sources:" + maxSources;
    }

    /** In the largest unit that divides it, as the setting is usually written. */
    private static String text(Duration time) {
        long seconds = time.toSeconds();
        return seconds > 0 && seconds % SECONDS_PER_HOUR == 0 ? seconds / SECONDS_PER_HOUR + "h"
                : seconds > 0 && seconds % SECONDS_PER_MINUTE == 0 ? seconds / SECONDS_PER_MINUTE + "m"
                : seconds + "s";
    }

    @Override
    public String toString() {
        return enabled ? describe(authFail, noAuth, graceExceeded, min, max, maxSources) : "off";
    }
}
