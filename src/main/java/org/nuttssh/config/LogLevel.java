package org.nuttssh.config;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/** The {@code --log-level} choices, applied to Logback at start. */
public enum LogLevel {
    error(Level.ERROR), warn(Level.WARN), info(Level.INFO), debug(Level.DEBUG), trace(Level.TRACE);

    /** MINA narrates every session at INFO; its lines only help when debugging. */
    private static final String MINA = "org.apache.sshd";

    private final Level level;

    LogLevel(Level level) {
        this.level = level;
    }

    public void apply() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        Level mina = level.isGreaterOrEqual(Level.INFO) ? Level.WARN : level;
        ((Logger) LoggerFactory.getLogger(MINA)).setLevel(mina);
    }
}
