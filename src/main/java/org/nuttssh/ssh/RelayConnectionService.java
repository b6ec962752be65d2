package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * MINA's connection service, except that a refused channel open carries our reason. MINA sends a generic text for
 * every failed open; OpenSSH prints the text, and "no listening client named 'gw9'" is what the user needs to see.
 */
final class RelayConnectionService extends ServerConnectionService {

    /** Reason texts for opens about to fail, by the client's channel id (the "sender" of the open). */
    private final Map<Long, String> openFailureReasons = new ConcurrentHashMap<>();

    private RelayConnectionService(AbstractServerSession session) throws IOException {
        super(session);
    }

    static RelayConnectionService of(Session session) {
        return (RelayConnectionService) session.getService(ConnectionService.class);
    }

    /** Call just before failing the open future of the channel the client calls {@code sender}. */
    void explainOpenFailure(long sender, String reason) {
        openFailureReasons.put(sender, reason);
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                   String lang) throws IOException {
        String reason = openFailureReasons.remove(sender);
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, reason != null ? reason : message, lang);
    }

    static final class Factory extends ServerConnectionServiceFactory {
        @Override
        public Service create(Session session) throws IOException {
            return new RelayConnectionService((AbstractServerSession) session);
        }
    }
}
