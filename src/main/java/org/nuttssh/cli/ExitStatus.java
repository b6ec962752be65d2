package org.nuttssh.cli;

/** The exit statuses of the {@code nuttssh} command and of its launcher, which passes the relay's on. */
final class ExitStatus {

    static final int OK = 0;
    /** A setting, a file or the port was wrong, or the relay's JVM could not start: the one line before says which. */
    static final int STARTUP_FAILED = 1;
    /** A shell reports a process killed by signal N with status 128 + N; an aborted drain says the same. */
    static final int SIGNAL_BASE = 128;

    private ExitStatus() {
    }
}
