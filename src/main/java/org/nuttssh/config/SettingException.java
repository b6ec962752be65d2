package org.nuttssh.config;

/**
 * A setting has a value the relay cannot use. The message names the setting as it is written on the command line
 * without its dashes (which is also its name in the config file), the value, where the value came from when that is
 * known, and what would have been accepted: {@code port: 'abc' from NUTTSSH_PORT (expected: 0-65535)}.
 */
public final class SettingException extends IllegalArgumentException {

    private final String setting;
    private final String value;
    private final String origin;
    private final String expected;

    public SettingException(String setting, Object value, String expected) {
        this(setting, String.valueOf(value), null, expected);
    }

    private SettingException(String setting, String value, String origin, String expected) {
        super(setting + ": '" + value + "'" + (origin == null ? "" : " from " + origin) + " (expected: " + expected
                + ")");
        this.setting = setting;
        this.value = value;
        this.origin = origin;
        this.expected = expected;
    }

    /** The same complaint, saying where the value came from: a flag, an environment variable, or a file and line. */
    public SettingException from(String newOrigin) {
        return new SettingException(setting, value, newOrigin, expected);
    }

    public String setting() {
        return setting;
    }
}
