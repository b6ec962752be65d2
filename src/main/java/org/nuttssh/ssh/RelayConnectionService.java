package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.nuttssh.config.Limit;
import org.nuttssh.metrics.Tally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's connection service, with three changes. A refused channel open carries our reason: MINA sends a generic
 * text for every failed open, while OpenSSH prints the text, and "no listening client named 'gw9'" is what the user
 * needs to see. The channels a client opens are capped, in all ({@code max-channels-per-connection}) and for
 * sessions ({@code max-sessions-per-connection}, OpenSSH's MaxSessions). Global requests the relay has no handler
 * for are refused in its own log's words.
 */
final class RelayConnectionService extends ServerConnectionService {

    private static final Logger log = LoggerFactory.getLogger(RelayConnectionService.class);
    private static final String SESSION = "session";

    /** Reason texts for opens about to fail, by the client's channel id (the "sender" of the open). */
    private final Map<Long, String> openFailureReasons = new ConcurrentHashMap<>();
    private final ChannelCaps caps;

    private RelayConnectionService(AbstractServerSession session, ChannelCaps caps) throws IOException {
        super(session);
        this.caps = caps;
    }

    /**
     * @param maxSessions session channels one connection may have open; 0 for no limit
     * @param maxChannels channels of any kind the client may have open on one connection; 0 for no limit
     */
    record ChannelCaps(int maxSessions, int maxChannels, Tally<Limit> refusals) {
    }

    static RelayConnectionService of(Session session) {
        return (RelayConnectionService) session.getService(ConnectionService.class);
    }

    /** Call just before failing the open future of the channel the client calls {@code sender}. */
    void explainOpenFailure(long sender, String reason) {
        openFailureReasons.put(sender, reason);
    }

    @Override
    protected void channelOpen(Buffer buffer) throws Exception {
        int start = buffer.rpos();
        String type = buffer.getString();
        long sender = buffer.getUInt();
        buffer.rpos(start);
        String refusal = capReached(SESSION.equals(type));
        if (refusal != null) {
            log.info("channel refused: {} for {}: {}", type, client(), refusal);
            sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, refusal, "");
            return;
        }
        super.channelOpen(buffer);
    }

    /** Why one more channel (a session, or another kind) would be too many; null if it is not. */
    private String capReached(boolean session) {
        int opened = 0;
        int sessions = 0;
        for (Channel channel : getChannels()) {
            if (!(channel instanceof ForwardedTcpipChannel)) { // those the relay opened, for circuits to this client
                opened++;
                sessions += channel instanceof ChannelSession ? 1 : 0;
            }
        }
        if (caps.maxChannels() > 0 && opened >= caps.maxChannels()) {
            caps.refusals().count(Limit.MAX_CHANNELS_PER_CONNECTION);
            return opened + " channels are open on this connection, the most one client may "
                    + "(max-channels-per-connection)";
        }
        if (session && caps.maxSessions() > 0 && sessions >= caps.maxSessions()) {
            caps.refusals().count(Limit.MAX_SESSIONS_PER_CONNECTION);
            return sessions + " sessions are open on this connection, the most one client may "
                    + "(max-sessions-per-connection)";
        }
        return null;
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                   String lang) throws IOException {
        String reason = openFailureReasons.remove(sender);
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, reason != null ? reason : message, lang);
    }

    @Override
    protected IoWriteFuture handleUnknownRequest(Buffer buffer, String request, boolean wantReply)
            throws IOException {
        // Debug only: OpenSSH clients send no-more-sessions@openssh.com on every plain connection.
        log.debug("global request refused: '{}' from {}", request, client());
        return sendGlobalResponse(buffer, request, Result.ReplyFailure, wantReply);
    }

    /** For logs: {@code name@address}. */
    private String client() {
        ClientConnection client = ClientConnection.of(getSession());
        return client != null ? client.describe() : String.valueOf(getSession().getRemoteAddress());
    }

    static final class Factory extends ServerConnectionServiceFactory {
        private final ChannelCaps caps;

        Factory(ChannelCaps caps) {
            this.caps = caps;
        }

        @Override
        public Service create(Session session) throws IOException {
            return new RelayConnectionService((AbstractServerSession) session, caps);
        }
    }
}
