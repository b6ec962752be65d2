package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Map;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A "session" channel that runs relay commands and nothing else: no terminal, so an interactive {@code ssh relay}
 * still gets the command's output but no pty. Agent and X11 forwarding are refused by the server's forwarding
 * filter, subsystems by having none.
 */
final class RelaySessionChannel extends ChannelSession {

    RelaySessionChannel() {
        super(ChannelSession.DEFAULT_HANDLERS);
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
