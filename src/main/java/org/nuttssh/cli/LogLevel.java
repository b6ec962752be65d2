package org.nuttssh.cli;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/** The {@code --log-level} choices, applied to Logback at start. */
public enum LogLevel {
    error(Level.ERROR), warn(Level.WARN), info(Level.INFO), debug(Level.DEBUG), trace(Level.TRACE);

    /**
     * MINA narrates every session at INFO; its lines only help when debugging. Its server code logs under the name
     * of the class it runs in, so the relay's subclass of MINA's server counts as MINA too.
     */
    private static final List<String> MINA = List.of("org.apache.sshd", "org.nuttssh.ssh.transport.RelaySshServer");

    private final Level level;

    LogLevel(Level level) {
        this.level = level;
    }

    public void apply() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        // At info, MINA's warnings are mostly clients vanishing mid-handshake (e.g. health checks): noise.
        Level mina = level.isGreaterOrEqual(Level.INFO) ? Level.ERROR : level;
        MINA.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(mina));
    }
}
