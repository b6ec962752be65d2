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
 */
public record Limits(int maxConnections, int maxConnectionRate, Duration loginTimeout, int maxAuthAttempts,
                     int maxListenersPerClient, int maxCircuitsPerClient) {

    /** Like OpenSSH's LoginGraceTime, but shorter: a real client authenticates in well under a second. */
    public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 30;
    /** OpenSSH's MaxAuthTries: enough for an agent holding a handful of keys. */
    public static final int DEFAULT_MAX_AUTH_ATTEMPTS = 6;
    /**
     * The counts are off by default: the right cap depends on the size of the fleet, and behind a load balancer
     * without --proxy-protocol every connection comes from one address.
     */
    public static final int NO_LIMIT = 0;

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
    }

    /** The defaults: only the login timeout and the authentication attempts are limited. */
    public static Limits defaults() {
        return new Limits(NO_LIMIT, NO_LIMIT, Duration.ofSeconds(DEFAULT_LOGIN_TIMEOUT_SECONDS),
                DEFAULT_MAX_AUTH_ATTEMPTS, NO_LIMIT, NO_LIMIT);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(n, maxConnectionRate, loginTimeout, maxAuthAttempts, maxListenersPerClient,
                maxCircuitsPerClient);
    }

    public Limits withMaxConnectionRate(int n) {
        return new Limits(maxConnections, n, loginTimeout, maxAuthAttempts, maxListenersPerClient,
                maxCircuitsPerClient);
    }

    public Limits withLoginTimeout(Duration timeout) {
        return new Limits(maxConnections, maxConnectionRate, timeout, maxAuthAttempts, maxListenersPerClient,
                maxCircuitsPerClient);
    }

    public Limits withMaxAuthAttempts(int n) {
        return new Limits(maxConnections, maxConnectionRate, loginTimeout, n, maxListenersPerClient,
                maxCircuitsPerClient);
    }

    public Limits withMaxListenersPerClient(int n) {
        return new Limits(maxConnections, maxConnectionRate, loginTimeout, maxAuthAttempts, n, maxCircuitsPerClient);
    }

    public Limits withMaxCircuitsPerClient(int n) {
        return new Limits(maxConnections, maxConnectionRate, loginTimeout, maxAuthAttempts, maxListenersPerClient, n);
    }

    private static void atLeastZero(String setting, int value) {
        if (value < 0) {
            throw new SettingException(setting, value, "0 (no limit) or more");
        }
    }
}
