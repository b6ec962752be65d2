package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Map;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.channel.ChannelSession;
import org.nuttssh.memory.WindowBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A "session" channel that runs relay commands and nothing else: no terminal, so an interactive {@code ssh relay}
 * still gets the command's output but no pty, and no environment variables. Agent and X11 forwarding are refused
 * by the server's forwarding filter, subsystems by having none.
 */
final class RelaySessionChannel extends ChannelSession {

    private static final Logger log = LoggerFactory.getLogger(RelaySessionChannel.class);
    /**
     * The window a client gets for what it sends to a command. No command reads its input, and MINA keeps what
     * arrives (before the command starts, and for a command that does not read) until the channel closes: with the
     * server's window (2 MiB) each of a connection's sessions could hold that much. One packet is all a client needs.
     */
    static final long INPUT_WINDOW = WindowBudget.MIN_WINDOW;

    RelaySessionChannel() {
        super(ChannelSession.DEFAULT_HANDLERS);
        CoreModuleProperties.WINDOW_SIZE.set(this, INPUT_WINDOW); // read when the channel is set up, after this
    }

    /**
     * Refused: no command here reads its environment, and MINA would keep every variable a client sends. OpenSSH
     * clients send LANG and LC_* by default (without asking for a reply), hence only a debug line.
     */
    @Override
    protected Result handleEnv(Buffer buffer, boolean wantReply) {
        log.debug("env request refused: '{}' from {}", buffer.getString(), getSession().getRemoteAddress());
        return Result.ReplyFailure;
    }

    @Override
    protected Result handlePtyReqParsed(String term, int cols, int rows, int width, int height,
                                        Map<PtyMode, Integer> modes) throws IOException {
        return Result.ReplyFailure;
    }

    static final class Factory implements ChannelFactory {
        @Override
        public String getName() {
            return "session";
        }

        @Override
        public Channel createChannel(Session session) {
            return new RelaySessionChannel();
        }
    }
}
