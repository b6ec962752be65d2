package org.nuttssh.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.nuttssh.config.Limits;
import org.nuttssh.config.MaxStartups;
import org.nuttssh.config.MemorySize;
import org.nuttssh.config.PerSourcePenalties;

import picocli.CommandLine.Option;

/** The {@code max-*} settings and the login timeout: what one client, or all of them, may take. */
final class LimitOptions {

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + Limits.NO_LIMIT,
            description = "SSH connections open at once; 0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connection-rate", paramLabel = "N", defaultValue = "" + Limits.NO_LIMIT,
            description = "New connections per second from one source address; 0 for no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxConnectionRate;

    @Option(names = "--max-startups", paramLabel = "START:RATE:FULL", defaultValue = Limits.DEFAULT_MAX_STARTUPS,
            description = "Connections not yet authenticated: from START on, new ones are dropped with RATE percent "
                    + "probability, rising to all at FULL, like OpenSSH's MaxStartups; 0 for no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    String maxStartups;

    @Option(names = "--max-startups-per-source", paramLabel = "N",
            defaultValue = "" + Limits.DEFAULT_MAX_STARTUPS_PER_SOURCE,
            description = "Connections not yet authenticated from one address (an IPv6 /64); 0 for no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxStartupsPerSource;

    @Option(names = "--login-timeout", paramLabel = "SECONDS",
            defaultValue = "" + Limits.DEFAULT_LOGIN_TIMEOUT_SECONDS,
            description = "Drop connections not authenticated within this time; 0 waits forever "
                    + "(default: ${DEFAULT-VALUE}).")
    int loginTimeoutSeconds;

    @Option(names = "--max-auth-attempts", paramLabel = "N", defaultValue = "" + Limits.DEFAULT_MAX_AUTH_ATTEMPTS,
            description = "Refused keys after which a connection is dropped (default: ${DEFAULT-VALUE}).")
    int maxAuthAttempts;

    @Option(names = "--max-listeners-per-client", paramLabel = "N",
            defaultValue = "" + Limits.DEFAULT_MAX_LISTENERS_PER_CLIENT,
            description = "Virtual listeners (-R) one connection may hold; 0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxListenersPerClient;

    @Option(names = "--max-circuits-per-client", paramLabel = "N",
            defaultValue = "" + Limits.DEFAULT_MAX_CIRCUITS_PER_CLIENT,
            description = "Circuits one connection may have open as initiator; 0 for no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxCircuitsPerClient;

    @Option(names = "--max-sessions-per-connection", paramLabel = "N",
            defaultValue = "" + Limits.DEFAULT_MAX_SESSIONS_PER_CONNECTION,
            description = "Session channels (commands) one connection may have open, like OpenSSH's MaxSessions; "
                    + "0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxSessionsPerConnection;

    @Option(names = "--max-channels-per-connection", paramLabel = "N",
            defaultValue = "" + Limits.DEFAULT_MAX_CHANNELS_PER_CONNECTION,
            description = "Channels of any kind a client may have open on one connection; 0 for no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxChannelsPerConnection;

    @Option(names = "--max-memory", paramLabel = "SIZE", defaultValue = Limits.DEFAULT_MAX_MEMORY,
            description = "Heap for clients and circuits, e.g. 512m or 2g; near it, new connections, listeners and "
                    + "circuits are refused (default: ${DEFAULT-VALUE}).")
    String maxMemory;

    @Option(names = "--per-source-penalties", paramLabel = "off|KEY:TIME,...",
            defaultValue = PerSourcePenalties.DEFAULT,
            description = "Like OpenSSH's PerSourcePenalties: a connection that fails to log in (authfail), makes "
                    + "a key exchange and no login attempt (noauth) or exceeds the login timeout (grace-exceeded) "
                    + "adds that time to its source's penalty (an address, an IPv6 /64), which runs down as time "
                    + "passes; above min, the source's connections are refused until it has run out; never above "
                    + "max. Items override the default; off for none (default: ${DEFAULT-VALUE}).")
    String perSourcePenalties;

    @Option(names = "--per-source-penalty-exempt", paramLabel = "CIDR[,CIDR...]", split = ",",
            description = "Addresses or CIDR blocks never penalised, e.g. a NAT gateway in front of many clients "
                    + "(default: none).")
    List<String> perSourcePenaltyExempt = new ArrayList<>();

    /** The limits, checked; throws a {@code SettingException} naming the setting that is wrong. */
    Limits limits() {
        return Limits.builder().maxConnections(maxConnections).maxConnectionRate(maxConnectionRate)
                .maxStartups(MaxStartups.parse(maxStartups)).maxStartupsPerSource(maxStartupsPerSource)
                .loginTimeout(Duration.ofSeconds(loginTimeoutSeconds)).maxAuthAttempts(maxAuthAttempts)
                .maxListenersPerClient(maxListenersPerClient).maxCircuitsPerClient(maxCircuitsPerClient)
                .maxSessionsPerConnection(maxSessionsPerConnection)
                .maxChannelsPerConnection(maxChannelsPerConnection)
                .maxMemory(maxMemory()).build();
    }

    /** The penalties and their exempt sources, checked. */
    PerSourcePenalties perSourcePenalties() {
        return PerSourcePenalties.parse(perSourcePenalties, perSourcePenaltyExempt);
    }

    /** The heap bound in bytes, which the launcher also reads to size the relay's JVM. */
    long maxMemory() {
        return MemorySize.parse("max-memory", maxMemory, Limits.MIN_MAX_MEMORY);
    }
}
