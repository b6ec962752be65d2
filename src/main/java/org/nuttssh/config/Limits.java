package org.nuttssh.config;

import java.time.Duration;

/**
 * Caps that keep one client, or one address, from taking the relay for itself. Zero means no limit for every count;
 * each refusal is logged and counted, and other clients are unaffected.
 *
 * @param maxConnections           SSH connections open at once, authenticated or not
 * @param maxConnectionRate        new connections per second from one source address (the PROXY header's, with
 *                                 --proxy-protocol)
 * @param maxStartups              connections not yet authenticated, over all sources, with random early drop
 * @param maxStartupsPerSource     connections not yet authenticated from one source (an address, or an IPv6 /64)
 * @param loginTimeout             how long a connection may take to authenticate; zero waits forever
 * @param maxAuthAttempts          keys a connection may have refused before it is dropped
 * @param maxListenersPerClient    virtual listeners one connection may hold
 * @param maxCircuitsPerClient     circuits one connection may have open (or opening) as initiator
 * @param maxSessionsPerConnection session channels (commands) one connection may have open
 * @param maxChannelsPerConnection channels of any kind a client may have opened and open on one connection
 * @param maxMemory                bytes of heap the relay may use; near it, new connections, listeners and circuits
 *                                 are refused (see {@code memory.MemoryGuard})
 */
public record Limits(int maxConnections, int maxConnectionRate, MaxStartups maxStartups, int maxStartupsPerSource,
                     Duration loginTimeout, int maxAuthAttempts, int maxListenersPerClient, int maxCircuitsPerClient,
                     int maxSessionsPerConnection, int maxChannelsPerConnection, long maxMemory) {

    /** Like OpenSSH's LoginGraceTime, but shorter: a real client authenticates in well under a second. */
    public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 30;
    /** OpenSSH's MaxAuthTries: enough for an agent holding a handful of keys. */
    public static final int DEFAULT_MAX_AUTH_ATTEMPTS = 6;
    /**
     * OpenSSH's MaxStartups (10:30:100) scaled for a relay, whose whole fleet reconnects together when a node
     * restarts or a load balancer fails over: up to 2000 handshakes under way pass untouched, so a fleet of that size
     * arriving at once is not dropped. Beyond, random early drop, and from 4000 on every new connection: that bounds
     * the memory unauthenticated connections take, and the handshakes the CPU works on at once, which all finish late
     * when there are too many (a machine that completes 100 handshakes a second completes none of 4000 parallel ones
     * within the 30 s login timeout).
     */
    public static final String DEFAULT_MAX_STARTUPS = "2000:30:4000";
    /**
     * One address may have this many handshakes under way: far more than one machine needs, even a NAT gateway in
     * front of dozens of listening clients that all reconnect at once; far fewer than a flood of silent connections.
     */
    public static final int DEFAULT_MAX_STARTUPS_PER_SOURCE = 50;
    /** A listening client exposes a handful of services; 64 is generous and bounds what one key can register. */
    public static final int DEFAULT_MAX_LISTENERS_PER_CLIENT = 64;
    /** An initiator's -L/-D forwards open a circuit per connection it carries; 256 covers a busy SOCKS proxy. */
    public static final int DEFAULT_MAX_CIRCUITS_PER_CLIENT = 256;
    /** OpenSSH's MaxSessions: ssh multiplexing opens one session per command. */
    public static final int DEFAULT_MAX_SESSIONS_PER_CONNECTION = 10;
    /**
     * Every channel a client opens costs a channel object and, once open, windows: above the circuits and sessions a
     * client may hold (256 + 10), with room for refused ones that are still closing.
     */
    public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 512;
    /**
     * The connection counts are off by default: the right cap depends on the size of the fleet, and behind a load
     * balancer without --proxy-protocol every connection comes from one address.
     */
    public static final int NO_LIMIT = 0;
    /**
     * The relay's heap unless told otherwise on the command line (and so the relay JVM's maximum heap): room for
     * about 5000 idle listening clients (25 KB each, measured) with the shedding marks' headroom above them, while a
     * relay started with {@code java -jar} stays small on any machine (docs/performance.md). The JVM's own default is
     * a quarter of the machine's memory.
     */
    public static final String DEFAULT_MAX_MEMORY = "256m";
    /** Below this the relay's own classes and one burst of handshakes leave no room for clients. */
    public static final long MIN_MAX_MEMORY = 64L << 20;

    public Limits {
        atLeastZero("max-connections", maxConnections);
        atLeastZero("max-connection-rate", maxConnectionRate);
        atLeastZero("max-startups-per-source", maxStartupsPerSource);
        if (loginTimeout.isNegative()) {
            throw new SettingException("login-timeout", loginTimeout.toSeconds(), "0 (no timeout) or more seconds");
        }
        if (maxAuthAttempts < 1) {
            throw new SettingException("max-auth-attempts", maxAuthAttempts, "1 or more");
        }
        atLeastZero("max-listeners-per-client", maxListenersPerClient);
        atLeastZero("max-circuits-per-client", maxCircuitsPerClient);
        atLeastZero("max-sessions-per-connection", maxSessionsPerConnection);
        atLeastZero("max-channels-per-connection", maxChannelsPerConnection);
        if (maxMemory < MIN_MAX_MEMORY) {
            throw new SettingException("max-memory", MemorySize.format(maxMemory),
                    "at least " + MemorySize.format(MIN_MAX_MEMORY));
        }
    }

    /** The defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects caps; {@link #build} checks them. */
    public static final class Builder {
        private int maxConnections = NO_LIMIT;
        private int maxConnectionRate = NO_LIMIT;
        private MaxStartups maxStartups = MaxStartups.parse(DEFAULT_MAX_STARTUPS);
        private int maxStartupsPerSource = DEFAULT_MAX_STARTUPS_PER_SOURCE;
        private Duration loginTimeout = Duration.ofSeconds(DEFAULT_LOGIN_TIMEOUT_SECONDS);
        private int maxAuthAttempts = DEFAULT_MAX_AUTH_ATTEMPTS;
        private int maxListenersPerClient = DEFAULT_MAX_LISTENERS_PER_CLIENT;
        private int maxCircuitsPerClient = DEFAULT_MAX_CIRCUITS_PER_CLIENT;
        private int maxSessionsPerConnection = DEFAULT_MAX_SESSIONS_PER_CONNECTION;
        private int maxChannelsPerConnection = DEFAULT_MAX_CHANNELS_PER_CONNECTION;
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

        public Builder maxStartups(MaxStartups startups) {
            this.maxStartups = startups;
            return this;
        }

        public Builder maxStartupsPerSource(int n) {
            this.maxStartupsPerSource = n;
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

        public Builder maxSessionsPerConnection(int n) {
            this.maxSessionsPerConnection = n;
            return this;
        }

        public Builder maxChannelsPerConnection(int n) {
            this.maxChannelsPerConnection = n;
            return this;
        }

        /** @param bytes see {@link Limits#maxMemory} */
        public Builder maxMemory(long bytes) {
            this.maxMemory = bytes;
            return this;
        }

        public Limits build() {
            return new Limits(maxConnections, maxConnectionRate, maxStartups, maxStartupsPerSource, loginTimeout,
                    maxAuthAttempts, maxListenersPerClient, maxCircuitsPerClient, maxSessionsPerConnection,
                    maxChannelsPerConnection, maxMemory);
        }
    }

    private static void atLeastZero(String setting, int value) {
        if (value < 0) {
            throw new SettingException(setting, value, "0 (no limit) or more");
        }
    }
}
