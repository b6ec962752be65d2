package org.nuttssh.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.command.CommandFactory;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.events.EventHub;
import org.nuttssh.registry.ConnectName;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Registry;
import org.nuttssh.registry.Sighting;
import org.nuttssh.text.Printable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command run over SSH against the relay ({@code ssh relay list}); a shell request runs {@code list}. Output is
 * written asynchronously, so a long listing never blocks a MINA thread; exit codes follow the shell convention:
 * 0 done, 1 not allowed or failed, 2 usage.
 *
 * <p>{@code whoami} is for every key; {@code list}, {@code list -c} and {@code list PATTERN} (each also as JSON with
 * {@code --json}) for initiate or admin, showing a key narrowed by {@code permitopen=} only what it may reach
 * ({@link Reachable}), and {@code list --offline} the names seen lately and gone; {@code list -v}, {@code circuits},
 * {@code kick NAME[~N]} and {@code events [--json]} for admin, and they cover every node of a cluster. {@code events}
 * follows until the client disconnects.
 */
public final class RelayCommand implements AsyncCommand {

    static final int EXIT_OK = 0;
    static final int EXIT_DENIED = 1;
    static final int EXIT_USAGE = 2;
    static final String USAGE = "usage: " + ListRequest.FORM + " | whoami | circuits | kick NAME[~N]"
            + " | events [--json]\n";

    private static final Logger log = LoggerFactory.getLogger(RelayCommand.class);

    /** What a command printed and its exit status. */
    private record Outcome(String out, String err, int status) {
        static CompletionStage<Outcome> ok(String text) {
            return CompletableFuture.completedFuture(new Outcome(text, "", EXIT_OK));
        }

        static CompletionStage<Outcome> failed(int status, String text) {
            return CompletableFuture.completedFuture(new Outcome("", text, status));
        }
    }

    private final List<String> words;
    private final Caller caller;
    private final Registry registry;
    private final Fleet fleet;
    private final EventHub events;
    private volatile EventFollower follower;
    private IoOutputStream out;
    private IoOutputStream err;
    private ExitCallback exit;

    /**
     * @param commandLine what the client asked to run; empty for a shell
     * @param fleet       every node of the relay, for the admin commands
     * @param events      the cluster's events, for {@code events}
     */
    public RelayCommand(String commandLine, Caller caller, Registry registry, Fleet fleet, EventHub events) {
        this.words = CommandFactory.split(commandLine == null ? "" : commandLine.trim());
        this.caller = caller;
        this.registry = registry;
        this.fleet = fleet;
        this.events = events;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        log.info("command '{}' from {}@{}", String.join(" ", words), caller.name(), caller.address());
        run().whenComplete((outcome, failure) -> {
            if (failure != null) {
                finish(new Outcome("", "relay error: " + failure.getMessage() + "\n", EXIT_DENIED));
            } else {
                finish(outcome);
            }
        });
    }

    private CompletionStage<Outcome> run() {
        String command = words.isEmpty() ? "list" : words.get(0);
        List<String> args = words.isEmpty() ? List.of() : words.subList(1, words.size());
        switch (command) {
            case "whoami":
                return args.isEmpty() ? Outcome.ok(WhoAmI.render(caller, fleet)) : usage();
            case "list":
                return list(ListRequest.parse(args));
            case "circuits":
                return args.isEmpty() ? asAdmin("circuits", this::circuits) : usage();
            case "kick":
                return args.size() == 1 ? asAdmin("kick", () -> kick(args.get(0))) : usage();
            case "events":
                return args.isEmpty() || args.equals(List.of("--json"))
                        ? asAdmin("events", () -> follow(!args.isEmpty())) : usage();
            default:
                return usage();
        }
    }

    private CompletionStage<Outcome> list(ListRequest.Parsed parsed) {
        if (parsed.problem() != null) {
            return Outcome.failed(EXIT_USAGE, parsed.problem() + USAGE);
        }
        ListRequest request = parsed.request();
        if (request.verbose()) {
            return asAdmin(request.command(), () -> listVerbose(request));
        }
        if (!caller.access().contains(Access.INITIATE) && !caller.access().contains(Access.ADMIN)) {
            return denied(request.command(), "access=\"initiate\" or access=\"admin\"");
        }
        if (request.offline()) {
            return fleet.offline().thenApply(all -> {
                List<Sighting> gone = Reachable.offline(caller, all).stream().filter(request::selects).toList();
                return new Outcome(request.json() ? ListingJson.renderOffline(gone) : OfflineTable.render(gone), "",
                        EXIT_OK);
            });
        }
        return registry.list().thenApply(all -> {
            List<Listing> listings = selected(Reachable.by(caller, all), request);
            if (request.json()) {
                return new Outcome(request.counts() ? ListingJson.renderCounts(listings, fleet.view().members())
                        : ListingJson.render(listings), "", EXIT_OK);
            }
            return new Outcome(request.counts()
                    ? CountTable.render(listings, fleet.view())
                    : ListingTable.render(listings, fleet.spansNodes()), "", EXIT_OK);
        });
    }

    private CompletionStage<Outcome> listVerbose(ListRequest request) {
        return registry.list().thenCombine(fleet.traffic(), (listings, traffic) -> {
            Map<String, ClientTraffic> byClient = traffic.items().stream()
                    .collect(Collectors.toMap(ClientTraffic::clientId, Function.identity(), (a, b) -> a));
            List<Listing> selected = selected(listings, request);
            return new Outcome(request.json() ? ListingJson.renderVerbose(selected, byClient)
                    : ListingTable.renderVerbose(selected, byClient), silent(traffic), EXIT_OK);
        });
    }

    private static List<Listing> selected(List<Listing> listings, ListRequest request) {
        return request.pattern() == null ? listings : listings.stream().filter(request::selects).toList();
    }

    private CompletionStage<Outcome> circuits() {
        return fleet.circuits().thenApply(circuits ->
                new Outcome(CircuitTable.render(circuits.items(), Instant.now()), silent(circuits), EXIT_OK));
    }

    private CompletionStage<Outcome> kick(String target) {
        Optional<ConnectName> name = ConnectName.parse(target);
        if (name.isEmpty()) {
            return Outcome.failed(EXIT_USAGE,
                    "kick: '" + Printable.escape(target) + "' is not a client name (expected NAME or NAME~N)\n");
        }
        return registry.resolve(name.get().name(), name.get().index()).thenCompose(found -> {
            if (found.isEmpty()) {
                return Outcome.failed(EXIT_DENIED, "kick: no listening client named '" + name.get() + "'\n");
            }
            ListenerRecord client = found.get();
            String who = name.get() + " (" + client.hostname() + "@" + client.address() + " on node "
                    + client.node().shortId() + ")";
            log.info("kick {} by {}@{}", who, caller.name(), caller.address());
            return fleet.kick(client, caller.name()).thenApply(kicked -> kicked
                    ? new Outcome("kicked " + who + "\n", "", EXIT_OK)
                    : new Outcome("", "kick: " + who + " had already disconnected\n", EXIT_DENIED));
        });
    }

    /** Never completes: the events go on until the client disconnects, which {@link #destroy} sees. */
    private CompletionStage<Outcome> follow(boolean json) {
        follower = new EventFollower(events, out, json);
        follower.start();
        return new CompletableFuture<>();
    }

    private CompletionStage<Outcome> asAdmin(String command, Supplier<CompletionStage<Outcome>> run) {
        return caller.access().contains(Access.ADMIN) ? run.get() : denied(command, "access=\"admin\"");
    }

    private static CompletionStage<Outcome> denied(String command, String needs) {
        return Outcome.failed(EXIT_DENIED, "Permission denied: '" + command + "' needs " + needs + "\n");
    }

    private static CompletionStage<Outcome> usage() {
        return Outcome.failed(EXIT_USAGE, USAGE);
    }

    /** A note on stderr about nodes whose part of the answer is missing. */
    private static String silent(FleetAnswer<?> answer) {
        return answer.silentNodes().isEmpty() ? "" : "nodes that did not answer (their clients show ?): "
                + answer.silentNodes().stream().map(NodeId::shortId).collect(Collectors.joining(", ")) + "\n";
    }

    /** Writes stdout, then stderr, then reports the exit status; the exit closes the channel, so it comes last. */
    private void finish(Outcome outcome) {
        write(out, outcome.out(), () -> write(err, outcome.err(), () -> exit.onExit(outcome.status())));
    }

    private void write(IoOutputStream stream, String text, Runnable then) {
        if (text.isEmpty()) {
            then.run();
            return;
        }
        try {
            stream.writeBuffer(new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8)))
                    .addListener(written -> then.run());
        } catch (IOException e) {
            exit.onExit(EXIT_DENIED, e.getMessage());
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        EventFollower following = follower;
        if (following != null) {
            following.stop();
        }
    }

    @Override
    public void setIoInputStream(IoInputStream in) {
        // Commands read no input.
    }

    @Override
    public void setIoOutputStream(IoOutputStream out) {
        this.out = out;
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void setInputStream(java.io.InputStream in) {
        // Async streams are used instead.
    }

    @Override
    public void setOutputStream(java.io.OutputStream out) {
        // Async streams are used instead.
    }

    @Override
    public void setErrorStream(java.io.OutputStream err) {
        // Async streams are used instead.
    }
}
