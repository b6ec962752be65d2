package org.nuttssh.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.command.CommandFactory;
import org.nuttssh.auth.Access;
import org.nuttssh.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command run over SSH against the relay ({@code ssh relay list}); a shell request runs {@code list}. Output is
 * written asynchronously, so a long listing never blocks a MINA thread; exit codes follow the shell convention:
 * 0 done, 1 not allowed, 2 usage.
 */
public final class RelayCommand implements AsyncCommand {

    static final int EXIT_OK = 0;
    static final int EXIT_DENIED = 1;
    static final int EXIT_USAGE = 2;
    static final String USAGE = "usage: list\n";

    private static final Logger log = LoggerFactory.getLogger(RelayCommand.class);

    private final List<String> words;
    private final Caller caller;
    private final Registry registry;
    private final boolean clustered;
    private IoOutputStream out;
    private IoOutputStream err;
    private ExitCallback exit;

    /**
     * @param commandLine what the client asked to run; empty for a shell
     * @param clustered   whether listings should say which node each client is connected to
     */
    public RelayCommand(String commandLine, Caller caller, Registry registry, boolean clustered) {
        this.words = CommandFactory.split(commandLine == null ? "" : commandLine.trim());
        this.caller = caller;
        this.registry = registry;
        this.clustered = clustered;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        String command = words.isEmpty() ? "list" : words.get(0);
        log.info("command '{}' from {}@{}", String.join(" ", words), caller.name(), caller.address());
        if (!command.equals("list") || words.size() > 1) {
            finish(err, USAGE, EXIT_USAGE);
            return;
        }
        if (!caller.access().contains(Access.INITIATE)) {
            finish(err, "Permission denied: 'list' needs access=\"initiate\"\n", EXIT_DENIED);
            return;
        }
        registry.list().whenComplete((listings, failure) -> {
            if (failure != null) {
                finish(err, "list failed: " + failure.getMessage() + "\n", EXIT_DENIED);
            } else {
                finish(out, ListingTable.render(listings, clustered), EXIT_OK);
            }
        });
    }

    /** Writes the text, then reports the exit status; the exit closes the channel, so it must come after. */
    private void finish(IoOutputStream stream, String text, int status) {
        try {
            stream.writeBuffer(new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8)))
                    .addListener(written -> exit.onExit(status));
        } catch (IOException e) {
            exit.onExit(status, e.getMessage());
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        // Nothing to release: output streams belong to the channel.
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
