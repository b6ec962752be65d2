package org.nuttssh.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.Ports;

/**
 * Everything the relay needs to start, validated once by whoever builds it (the command line today).
 *
 * @param bind              address to listen on
 * @param port              SSH port; 0 picks a free one
 * @param hostKey           the server's private host key file
 * @param authorizedKeys    the client keys file, re-read when it changes
 * @param keepAliveInterval how often to probe an idle client; zero disables probing
 * @param keepAliveCount    unanswered probes before a client is dropped
 * @param useDns            resolve client addresses to names for {@code from=} globs (like OpenSSH's UseDNS)
 * @param proxyProtocol     every connection starts with a PROXY v1/v2 header naming the real client
 * @param proxyProtocolFrom the proxies whose headers are trusted (required with, and only with, proxyProtocol);
 *                          connections from any other peer are dropped
 * @param reservedNames     names given by hostname= or alias= belong to the key lines that give them, and names a
 *                          cert-authority line's names= grants to that CA's certificates
 * @param cluster           how to join a cluster, or null for a single node (no Hazelcast at all)
 * @param algorithms        the SSH ciphers, MACs, key exchanges and host key signatures
 * @param limits            caps on connections, attempts, listeners and circuits
 * @param perSourcePenalties what failed and abandoned logins cost their source, refused for a while once it has
 *                          too many
 * @param metrics           where to serve /metrics and /health/*, or null for nowhere
 * @param shutdownGrace     how long open circuits may run on after a SIGTERM, once the paced disconnects are done
 * @param drainRate         clients without open circuits disconnected per second after a SIGTERM; 0 for all at once
 * @param reconnectWait     how long an open to a name that just left waits for it to come back; zero for not at all
 * @param certificates      revoked keys, certificate expiry and the host certificate
 * @param presence          how long and how many names gone the relay remembers ({@code list --offline})
 * @param eventWebhook      where this node posts its events, or null for nowhere
 */
public record RelayConfig(String bind, int port, Path hostKey, Path authorizedKeys,
                          Duration keepAliveInterval, int keepAliveCount, boolean useDns,
                          boolean proxyProtocol, List<CidrBlock> proxyProtocolFrom, boolean reservedNames,
                          ClusterConfig cluster, SshAlgorithms algorithms, Limits limits,
                          PerSourcePenalties perSourcePenalties, MetricsConfig metrics, Duration shutdownGrace,
                          int drainRate, Duration reconnectWait, CertificateConfig certificates, PresenceConfig presence, URI eventWebhook) {

    public static final String DEFAULT_BIND = "0.0.0.0";
    static final String PROXY_PROTOCOL_FROM = "proxy-protocol-from";
    /** The year the Nutt sisters became the first women telephone operators. */
    public static final int DEFAULT_PORT = 1878;
    public static final String DEFAULT_HOST_KEY = "./ssh_host_key";
    public static final String DEFAULT_AUTHORIZED_KEYS = "./authorized_keys";
    public static final int DEFAULT_KEEPALIVE_SECONDS = 30;
    public static final int DEFAULT_KEEPALIVE_COUNT = 3;
    /** Long enough for an interactive session or a file copy to finish, short enough for a rolling restart. */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;
    /**
     * Disconnects per second of a draining node. Its clients reconnect to the surviving nodes at this pace, and each
     * new connection costs a survivor a key exchange and a login: paced, the survivors' unauthenticated connections
     * stay far below the default max-startups (see docs/performance.md, "Drain").
     */
    public static final int DEFAULT_DRAIN_RATE = 100;
    /** Above this, pacing means nothing: one 100 ms batch would already hold the largest fleet a node carries. */
    static final int MAX_DRAIN_RATE = 1_000_000;
    /**
     * A device let go by a draining node is back, through the load balancer on another node, within 1-3 s (the
     * rolling upgrade test, 30 autossh devices); an open to it in that gap waits rather than fails. Five seconds
     * covers that gap with room, and is short enough that an open to a device that is really gone fails soon.
     */
    public static final int DEFAULT_RECONNECT_WAIT_SECONDS = 5;
    /** A device gone longer than this is down, not moving; the registry remembers departures this long. */
    public static final Duration MAX_RECONNECT_WAIT = Duration.ofMinutes(1);

    public RelayConfig {
        if (port < 0 || port > Ports.MAX) {
            throw new SettingException("port", port, "0-" + Ports.MAX);
        }
        if (keepAliveInterval.isNegative()) {
            throw new SettingException("keepalive-interval", keepAliveInterval.toSeconds(),
                    "0 (no probes) or more seconds");
        }
        proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
        if (proxyProtocol && proxyProtocolFrom.isEmpty()) {
            throw new SettingException(PROXY_PROTOCOL_FROM, "", "the addresses of the proxies whose PROXY headers to"
                    + " trust, as addresses or CIDR blocks (e.g. 10.0.0.5,10.1.0.0/24), since proxy-protocol is on:"
                    + " anyone else could claim any client address");
        }
        if (!proxyProtocol && !proxyProtocolFrom.isEmpty()) {
            throw new SettingException(PROXY_PROTOCOL_FROM, join(proxyProtocolFrom),
                    "nothing unless proxy-protocol is on");
        }
        Objects.requireNonNull(algorithms, "algorithms");
        if (keepAliveCount < 1) {
            throw new SettingException("keepalive-count", keepAliveCount, "1 or more");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(perSourcePenalties, "perSourcePenalties");
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(presence, "presence");
        if (shutdownGrace.isNegative()) {
            throw new SettingException("shutdown-grace", shutdownGrace.toSeconds(), "0 or more seconds");
        }
        if (drainRate < 0 || drainRate > MAX_DRAIN_RATE) {
            throw new SettingException("drain-rate", drainRate,
                    "0 (all at once) to " + MAX_DRAIN_RATE + " clients per second");
        }
        if (reconnectWait.isNegative() || reconnectWait.compareTo(MAX_RECONNECT_WAIT) > 0) {
            throw new SettingException("reconnect-wait", reconnectWait.toSeconds(),
                    "0 (no wait) to " + MAX_RECONNECT_WAIT.toSeconds() + " seconds");
        }
    }

    private static String join(List<CidrBlock> blocks) {
        return String.join(",", blocks.stream().map(CidrBlock::toString).toList());
    }

    /** Every setting at its default; the files are {@code ./ssh_host_key} and {@code ./authorized_keys}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder().bind(bind).port(port).hostKey(hostKey).authorizedKeys(authorizedKeys)
                .keepAlive(keepAliveInterval, keepAliveCount).useDns(useDns).proxyProtocol(proxyProtocol)
                .proxyProtocolFrom(proxyProtocolFrom.stream().map(CidrBlock::toString).toList())
                .reservedNames(reservedNames).cluster(cluster).algorithms(algorithms).limits(limits)
                .perSourcePenalties(perSourcePenalties).metrics(metrics).shutdownGrace(shutdownGrace)
                .drainRate(drainRate).reconnectWait(reconnectWait).certificates(certificates).presence(presence)
                .eventWebhook(eventWebhook == null ? null : eventWebhook.toString());
    }

    /** Collects settings; {@link #build} checks them all at once, naming the first bad one. */
    public static final class Builder {
        private String bind = DEFAULT_BIND;
        private int port = DEFAULT_PORT;
        private Path hostKey = Path.of(DEFAULT_HOST_KEY);
        private Path authorizedKeys = Path.of(DEFAULT_AUTHORIZED_KEYS);
        private Duration keepAliveInterval = Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS);
        private int keepAliveCount = DEFAULT_KEEPALIVE_COUNT;
        private boolean useDns;
        private boolean proxyProtocol;
        private List<String> proxyProtocolFrom = List.of();
        private boolean reservedNames = true;
        private ClusterConfig cluster;
        private SshAlgorithms algorithms = SshAlgorithms.defaults();
        private Limits limits = Limits.builder().build();
        private PerSourcePenalties perSourcePenalties = PerSourcePenalties.parse("", List.of());
        private MetricsConfig metrics;
        private Duration shutdownGrace = Duration.ofSeconds(DEFAULT_SHUTDOWN_GRACE_SECONDS);
        private int drainRate = DEFAULT_DRAIN_RATE;
        private Duration reconnectWait = Duration.ofSeconds(DEFAULT_RECONNECT_WAIT_SECONDS);
        private CertificateConfig certificates = CertificateConfig.DEFAULT;
        private PresenceConfig presence = PresenceConfig.DEFAULT;
        private String eventWebhook;

        private Builder() {
        }

        public Builder bind(String address) {
            this.bind = address;
            return this;
        }

        public Builder port(int number) {
            this.port = number;
            return this;
        }

        public Builder hostKey(Path file) {
            this.hostKey = file;
            return this;
        }

        public Builder authorizedKeys(Path file) {
            this.authorizedKeys = file;
            return this;
        }

        public Builder keepAlive(Duration interval, int count) {
            this.keepAliveInterval = interval;
            this.keepAliveCount = count;
            return this;
        }

        public Builder useDns(boolean on) {
            this.useDns = on;
            return this;
        }

        public Builder proxyProtocol(boolean on) {
            this.proxyProtocol = on;
            return this;
        }

        /** @param proxies addresses or CIDR blocks, checked by {@link #build} */
        public Builder proxyProtocolFrom(List<String> proxies) {
            this.proxyProtocolFrom = List.copyOf(proxies);
            return this;
        }

        public Builder reservedNames(boolean on) {
            this.reservedNames = on;
            return this;
        }

        /** @param config how to join a cluster, or null for a node alone */
        public Builder cluster(ClusterConfig config) {
            this.cluster = config;
            return this;
        }

        public Builder algorithms(SshAlgorithms algorithms) {
            this.algorithms = algorithms;
            return this;
        }

        public Builder limits(Limits caps) {
            this.limits = caps;
            return this;
        }

        public Builder perSourcePenalties(PerSourcePenalties penalties) {
            this.perSourcePenalties = penalties;
            return this;
        }

        /** @param config where to serve /metrics, or null for nowhere */
        public Builder metrics(MetricsConfig config) {
            this.metrics = config;
            return this;
        }

        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = grace;
            return this;
        }

        /** @param perSecond clients without circuits disconnected per second when draining; 0 for all at once */
        public Builder drainRate(int perSecond) {
            this.drainRate = perSecond;
            return this;
        }

        /** @param wait how long an open to a name that just left waits for it to come back; zero for not at all */
        public Builder reconnectWait(Duration wait) {
            this.reconnectWait = wait;
            return this;
        }

        public Builder certificates(CertificateConfig config) {
            this.certificates = config;
            return this;
        }

        public Builder presence(PresenceConfig config) {
            this.presence = config;
            return this;
        }

        /** @param url checked by {@link #build}; null or empty for no webhook */
        public Builder eventWebhook(String url) {
            this.eventWebhook = url;
            return this;
        }

        public RelayConfig build() {
            return new RelayConfig(bind, port, hostKey, authorizedKeys, keepAliveInterval, keepAliveCount, useDns,
                    proxyProtocol, proxies(), reservedNames, cluster, algorithms, limits, perSourcePenalties, metrics,
                    shutdownGrace, drainRate, reconnectWait, certificates, presence, WebhookUrl.parse(eventWebhook));
        }

        private List<CidrBlock> proxies() {
            return CidrSetting.parse(PROXY_PROTOCOL_FROM, proxyProtocolFrom, "10.0.0.5,10.1.0.0/24");
        }
    }
}
