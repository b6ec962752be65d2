package org.nuttssh.config;

/**
 * {@code max-startups}, OpenSSH's MaxStartups: how many connections may be unauthenticated at once, as
 * {@code START:RATE:FULL}. Below START every connection is let in; from START on, a new one is dropped with a
 * probability of RATE percent, rising linearly to 100 % at FULL (random early drop: a flood cannot fill the table,
 * yet real clients still get through with a retry). A single number N means START = FULL = N; 0 means no limit.
 */
public record MaxStartups(int start, int rate, int full) {

    public static final MaxStartups NO_LIMIT = new MaxStartups(0, 0, 0);
    static final String EXPECTED = "START:RATE:FULL (START <= FULL, RATE a percentage), a single number, or 0 for no"
            + " limit; e.g. 1000:30:3000";
    private static final String SETTING = "max-startups";
    private static final int PERCENT = 100;

    public MaxStartups {
        boolean off = start == 0 && full == 0;
        if (!off && (start < 1 || full < start || rate < 0 || rate > PERCENT)) {
            throw new SettingException(SETTING, start + ":" + rate + ":" + full, EXPECTED);
        }
    }

    /** Parses {@code START:RATE:FULL}, {@code N} or {@code 0}. */
    public static MaxStartups parse(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 1 && parts.length != 3) {
            throw new SettingException(SETTING, text, EXPECTED);
        }
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 9 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new SettingException(SETTING, text, EXPECTED);
            }
            values[i] = Integer.parseInt(parts[i]);
        }
        if (parts.length == 1 && values[0] == 0) {
            return NO_LIMIT;
        }
        try {
            return parts.length == 1 ? new MaxStartups(values[0], PERCENT, values[0])
                    : new MaxStartups(values[0], values[1], values[2]);
        } catch (SettingException e) {
            throw new SettingException(SETTING, text, EXPECTED);
        }
    }

    public boolean isLimited() {
        return full > 0;
    }

    @Override
    public String toString() {
        return isLimited() ? start + ":" + rate + ":" + full : "0";
    }
}
