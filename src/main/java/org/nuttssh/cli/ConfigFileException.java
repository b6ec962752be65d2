package org.nuttssh.cli;

/** The config file cannot be used: missing, unreadable, not YAML, or naming a setting that does not exist. */
public final class ConfigFileException extends IllegalArgumentException {

    public ConfigFileException(String message) {
        super(message);
    }
}
