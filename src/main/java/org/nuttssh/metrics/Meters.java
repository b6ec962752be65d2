package org.nuttssh.metrics;

import org.nuttssh.config.RelayVersion;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * Every meter the relay exports, in one place. Micrometer names are dotted; Prometheus sees them with underscores,
 * counters with {@code _total}, e.g. {@code nuttssh.circuits} is {@code nuttssh_circuits_total}. Meters read the
 * relay's own counts when scraped, so nothing is counted twice and the relay's parts stay free of metrics code.
 */
public final class Meters {

    public static final String CONNECTIONS_OPEN = "nuttssh.connections.open";
    public static final String CONNECTIONS_UNAUTHENTICATED = "nuttssh.connections.unauthenticated";
    public static final String CONNECTIONS = "nuttssh.connections";
    public static final String SOURCES_PENALISED = "nuttssh.sources.penalised";
    public static final String PENALTIES = "nuttssh.penalties";
    public static final String CLIENTS_AUTHENTICATED = "nuttssh.clients.authenticated";
    public static final String CLIENTS_LISTENING = "nuttssh.clients.listening";
    public static final String LISTENERS = "nuttssh.listeners";
    public static final String CIRCUITS_OPEN = "nuttssh.circuits.open";
    public static final String CIRCUITS = "nuttssh.circuits";
    public static final String CIRCUIT_FAILURES = "nuttssh.circuit.failures";
    public static final String RELAYED = "nuttssh.relayed";
    public static final String AUTH_FAILURES = "nuttssh.auth.failures";
    public static final String LIMIT_REFUSALS = "nuttssh.limit.refusals";
    public static final String CERTIFICATE_REFUSALS = "nuttssh.certificate.refusals";
    public static final String MEMORY_USED_AFTER_GC = "nuttssh.memory.used.after.gc";
    public static final String MEMORY_BOUND = "nuttssh.memory.bound";
    public static final String WINDOWS_GRANTED = "nuttssh.windows.granted";
    public static final String WINDOWS_BUDGET = "nuttssh.windows.budget";
    public static final String CLUSTER_MEMBERS = "nuttssh.cluster.members";
    public static final String CLUSTER_MERGES = "nuttssh.cluster.merges";
    public static final String REGISTRY_RESYNCS = "nuttssh.registry.resyncs";
    public static final String REGISTRY_UNREADABLE = "nuttssh.registry.unreadable";
    public static final String CLUSTER_REFUSED = "nuttssh.cluster.refused";
    public static final String CLUSTER_PROOFS_REFUSED = "nuttssh.cluster.proofs.refused";
    public static final String CLUSTER_INSECURE = "nuttssh.cluster.insecure";
    /** Always 1, tagged with this node's release: which nodes a rolling upgrade has reached. */
    public static final String BUILD_INFO = "nuttssh.build.info";
    public static final String REGISTRY_CLIENTS = "nuttssh.registry.clients";
    public static final String REGISTRY_LOCAL_NAMES = "nuttssh.registry.local.names";
    public static final String REGISTRY_NAMES = "nuttssh.registry.names";
    public static final String REGISTRY_UPKEEP = "nuttssh.registry.upkeep";
    public static final String REGISTRY_RECORDS_FETCHED = "nuttssh.registry.records.fetched";
    public static final String PRESENCE_CONNECTS = "nuttssh.presence.connects";
    public static final String PRESENCE_DISCONNECTS = "nuttssh.presence.disconnects";
    public static final String PRESENCE_OFFLINE = "nuttssh.presence.offline";
    public static final String PRESENCE_UNREADABLE = "nuttssh.presence.unreadable";
    public static final String WEBHOOK_EVENTS = "nuttssh.webhook.events";

    public static final String TAG_REASON = "reason";
    public static final String TAG_DIRECTION = "direction";
    public static final String TAG_LIMIT = "limit";
    public static final String TAG_OUTCOME = "outcome";

    private Meters() {
    }

    /** Registers the relay's meters, and the JVM's basic ones, reading from {@code stats} and {@code presence}. */
    public static void bind(MeterRegistry registry, RelayStatistics stats, PresenceStatistics presence) {
        bindPresence(registry, presence);
        Gauge.builder(CONNECTIONS_OPEN, stats, RelayStatistics::connectionsOpen)
                .description("SSH connections open, authenticated or not").register(registry);
        Gauge.builder(CONNECTIONS_UNAUTHENTICATED, stats, RelayStatistics::connectionsUnauthenticated)
                .description("SSH connections open that have not authenticated yet").register(registry);
        FunctionCounter.builder(CONNECTIONS, stats, RelayStatistics::connectionsAccepted)
                .description("SSH connections accepted").register(registry);
        Gauge.builder(SOURCES_PENALISED, stats, RelayStatistics::penalisedSources)
                .description("Sources whose new connections are refused now for their failed logins "
                        + "(per-source-penalties)").register(registry);
        FunctionCounter.builder(PENALTIES, stats, RelayStatistics::penaltiesStarted)
                .description("Times a source's connections began to be refused for its failed logins")
                .register(registry);
        Gauge.builder(CLIENTS_AUTHENTICATED, stats, RelayStatistics::authenticatedClients)
                .description("Authenticated clients connected").register(registry);
        Gauge.builder(CLIENTS_LISTENING, stats, RelayStatistics::listeningClients)
                .description("Clients connected here with at least one virtual listener").register(registry);
        Gauge.builder(LISTENERS, stats, RelayStatistics::listeners)
                .description("Virtual listeners of the clients connected here").register(registry);
        Gauge.builder(CIRCUITS_OPEN, stats, RelayStatistics::circuitsOpen)
                .description("Circuits open on this node").register(registry);
        FunctionCounter.builder(CIRCUITS, stats, RelayStatistics::circuitsOpened)
                .description("Circuits opened on this node").register(registry);
        bindTally(registry, CIRCUIT_FAILURES, TAG_REASON, stats.circuitRefusals(),
                "Circuits that could not be opened, counted by the node that decided");
        FunctionCounter.builder(RELAYED, stats, RelayStatistics::bytesUp).baseUnit(BaseUnits.BYTES)
                .tag(TAG_DIRECTION, "up").description("Bytes relayed, up: initiator to listening client")
                .register(registry);
        FunctionCounter.builder(RELAYED, stats, RelayStatistics::bytesDown).baseUnit(BaseUnits.BYTES)
                .tag(TAG_DIRECTION, "down").description("Bytes relayed, down: listening client to initiator")
                .register(registry);
        FunctionCounter.builder(AUTH_FAILURES, stats, RelayStatistics::authFailures)
                .description("Public keys refused at login").register(registry);
        bindTally(registry, LIMIT_REFUSALS, TAG_LIMIT, stats.limitRefusals(),
                "Connections, listeners and circuits turned away by a limit");
        bindTally(registry, CERTIFICATE_REFUSALS, TAG_REASON, stats.certificateRefusals(),
                "OpenSSH certificates refused at login, by reason");
        Gauge.builder(MEMORY_USED_AFTER_GC, stats, RelayStatistics::memoryUsedAfterGc).baseUnit(BaseUnits.BYTES)
                .description("Heap in use after the last garbage collection").register(registry);
        Gauge.builder(MEMORY_BOUND, stats, RelayStatistics::memoryBound).baseUnit(BaseUnits.BYTES)
                .description("Heap the relay may use (max-memory); it sheds load near it").register(registry);
        Gauge.builder(WINDOWS_GRANTED, stats, RelayStatistics::windowsGranted).baseUnit(BaseUnits.BYTES)
                .description("What senders may have sent towards this node and it not passed on yet: circuit windows "
                        + "and cross-node credit").register(registry);
        Gauge.builder(WINDOWS_BUDGET, stats, RelayStatistics::windowsBudget).baseUnit(BaseUnits.BYTES)
                .description("What circuit windows may hold above their floors, together").register(registry);
        Gauge.builder(CLUSTER_MEMBERS, stats, RelayStatistics::clusterMembers)
                .description("Relay nodes in the cluster, as this node sees it").register(registry);
        FunctionCounter.builder(CLUSTER_MERGES, stats, RelayStatistics::clusterMerges)
                .description("Times this node merged back into the cluster after a split").register(registry);
        FunctionCounter.builder(REGISTRY_RESYNCS, stats, RelayStatistics::registryResyncs)
                .description("Times this node's registry was out of step with the cluster's and was repaired")
                .register(registry);
        FunctionCounter.builder(REGISTRY_UNREADABLE, stats, RelayStatistics::registryUnreadable)
                .description("Values in the shared registry that did not open as records (another secret, a stranger)")
                .register(registry);
        Gauge.builder(BUILD_INFO, () -> 1).tag("version", RelayVersion.version())
                .description("1, tagged with the release this node runs").register(registry);
        FunctionCounter.builder(CLUSTER_REFUSED, stats, RelayStatistics::clusterRefused)
                .description("Messages from other members refused: frames for no circuit of this node, circuit opens "
                        + "and operator requests not signed by a member node").register(registry);
        bindTally(registry, CLUSTER_PROOFS_REFUSED, TAG_REASON, stats.clusterProofRefusals(),
                "Members' proofs of node identity refused, or taken back, by reason: untrusted or revoked "
                        + "certificate, a signature not for that member, an id the certificate does not prove, "
                        + "not a proof");
        Gauge.builder(CLUSTER_INSECURE, stats, s -> s.clusterInsecure() ? 1 : 0)
                .description("1 when the cluster runs without TLS and sealed records (--cluster-insecure)")
                .register(registry);
        Gauge.builder(REGISTRY_CLIENTS, stats, RelayStatistics::registryClients)
                .description("Listening clients in the name registry, on every node, as this node knows them")
                .register(registry);
        Gauge.builder(REGISTRY_LOCAL_NAMES, stats, RelayStatistics::registryLocalNames)
                .description("Names (hostnames and aliases) held in the registry by the clients connected here")
                .register(registry);
        Gauge.builder(REGISTRY_NAMES, stats, RelayStatistics::registryNames)
                .description("Names (hostnames and aliases) in the name registry, on every node, as this node knows them")
                .register(registry);
        FunctionCounter.builder(REGISTRY_UPKEEP, stats, RelayStatistics::registryUpkeepSeconds)
                .baseUnit("seconds")
                .description("Wall-clock time spent checking the registry against the cluster's and repairing it")
                .register(registry);
        FunctionCounter.builder(REGISTRY_RECORDS_FETCHED, stats, RelayStatistics::registryRecordsFetched)
                .description("Records read from the shared map to check or repair the registry (none while in step)")
                .register(registry);
        bindTally(registry, WEBHOOK_EVENTS, TAG_OUTCOME, stats.webhookEvents(),
                "This node's events for the event webhook: sent (taken by the receiver), dropped (the queue was "
                        + "full), failed (every attempt failed)");

        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private static void bindPresence(MeterRegistry registry, PresenceStatistics presence) {
        FunctionCounter.builder(PRESENCE_CONNECTS, presence, PresenceStatistics::connects)
                .description("Listening clients that registered a name on this node").register(registry);
        FunctionCounter.builder(PRESENCE_DISCONNECTS, presence, PresenceStatistics::disconnects)
                .description("Listening clients that left this node").register(registry);
        Gauge.builder(PRESENCE_OFFLINE, presence, PresenceStatistics::offlineCount)
                .description("Names seen within presence-retention and not connected now, on every node, as last "
                        + "counted (each minute, and at each list --offline)").register(registry);
        FunctionCounter.builder(PRESENCE_UNREADABLE, presence, PresenceStatistics::unreadable)
                .description("Presence entries in the shared map that did not open (another secret, a stranger), "
                        + "counted at each read").register(registry);
    }

    /** One counter per kind. Micrometer holds a function counter's object weakly: it must be the long-lived tally. */
    private static <E extends Enum<E>> void bindTally(MeterRegistry registry, String name, String tag, Tally<E> tally,
                                                      String description) {
        tally.forEachKind((label, kind) -> FunctionCounter.builder(name, tally, t -> t.get(kind)).tag(tag, label)
                .description(description).register(registry));
    }
}
