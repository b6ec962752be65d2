package org.nuttssh.config;

import java.time.Duration;

/**
 * Caps that keep one client, or one address, from taking the relay for itself. Zero means no limit for every count;
 * each refusal is logged and counted, and other clients are unaffected.
 *
 * @param maxConnections        SSH connections open at once, authenticated or not
 * @param maxConnectionRate     new connections per second from one source address (the PROXY header's, with
 *                              --proxy-protocol)
 * @param loginTimeout          how long a connection may take to authenticate; zero waits forever
 * @param maxAuthAttempts       keys a connection may have refused before it is dropped
 * @param maxListenersPerClient virtual listeners one connection may hold
 * @param maxCircuitsPerClient  circuits one connection may have open (or opening) as initiator
 * @param maxMemory             bytes of heap the relay may use; near it, new connections, listeners and circuits
 *                              are refused (see {@code memory.MemoryGuard})
 */
public record Limits(int maxConnections, int maxConnectionRate, Duration loginTimeout, int maxAuthAttempts,
                     int maxListenersPerClient, int maxCircuitsPerClient, long maxMemory) {

    /** Like OpenSSH's LoginGraceTime, but shorter: a real client authenticates in well under a second. */
    public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 30;
    /** OpenSSH's MaxAuthTries: enough for an agent holding a handful of keys. */
    public static final int DEFAULT_MAX_AUTH_ATTEMPTS = 6;
    /**
     * The counts are off by default: the right cap depends on the size of the fleet, and behind a load balancer
     * without --proxy-protocol every connection comes from one address.
     */
    public static final int NO_LIMIT = 0;
    /**
     * The relay's heap unless told otherwise on the command line (and so the relay JVM's maximum heap): room for about 5000 idle listening clients (25 KB each, measured) with
     * the shedding marks' headroom above them, while a relay started with {@code java -jar} stays small on any
     * machine (docs/performance.md). The JVM's own default is a quarter of the machine's memory.
     */
    public static final String DEFAULT_MAX_MEMORY = "256m";
    /** Below this the relay's own classes and one burst of handshakes leave no room for clients. */
    public static final long MIN_MAX_MEMORY = 64L << 20;

    public Limits {
        atLeastZero("max-connections", maxConnections);
        atLeastZero("max-connection-rate", maxConnectionRate);
        if (loginTimeout.isNegative()) {
            throw new SettingException("login-timeout", loginTimeout.toSeconds(), "0 (no timeout) or more seconds");
        }
        if (maxAuthAttempts < 1) {
            throw new SettingException("max-auth-attempts", maxAuthAttempts, "1 or more");
        }
        atLeastZero("max-listeners-per-client", maxListenersPerClient);
        atLeastZero("max-circuits-per-client", maxCircuitsPerClient);
        if (maxMemory < MIN_MAX_MEMORY) {
            throw new SettingException("max-memory", MemorySize.format(maxMemory),
                    "at least " + MemorySize.format(MIN_MAX_MEMORY));
        }
    }

    /** The defaults: only the login timeout and the authentication attempts are limited. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects caps; {@link #build} checks them. */
    public static final class Builder {
        private int maxConnections = NO_LIMIT;
        private int maxConnectionRate = NO_LIMIT;
        private Duration loginTimeout = Duration.ofSeconds(DEFAULT_LOGIN_TIMEOUT_SECONDS);
        private int maxAuthAttempts = DEFAULT_MAX_AUTH_ATTEMPTS;
        private int maxListenersPerClient = NO_LIMIT;
        private int maxCircuitsPerClient = NO_LIMIT;
        /** Unbounded here, that is the JVM's own maximum heap: the command line's default bounds what it starts. */
        private long maxMemory = Long.MAX_VALUE;

        private Builder() {
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder maxConnectionRate(int n) {
            this.maxConnectionRate = n;
            return this;
        }

        public Builder loginTimeout(Duration timeout) {
            this.loginTimeout = timeout;
            return this;
        }

        public Builder maxAuthAttempts(int n) {
            this.maxAuthAttempts = n;
            return this;
        }

        public Builder maxListenersPerClient(int n) {
            this.maxListenersPerClient = n;
            return this;
        }

        public Builder maxCircuitsPerClient(int n) {
            this.maxCircuitsPerClient = n;
            return this;
        }

        /** @param bytes see {@link Limits#maxMemory} */
        public Builder maxMemory(long bytes) {
            this.maxMemory = bytes;
            return this;
        }

        public Limits build() {
            return new Limits(maxConnections, maxConnectionRate, loginTimeout, maxAuthAttempts, maxListenersPerClient,
                    maxCircuitsPerClient, maxMemory);
        }
    }

    private static void atLeastZero(String setting, int value) {
        if (value < 0) {
            throw new SettingException(setting, value, "0 (no limit) or more");
        }
    }
}
