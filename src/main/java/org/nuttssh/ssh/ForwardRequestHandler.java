package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Optional;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.ConnectionServiceRequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code tcpip-forward} and {@code cancel-tcpip-forward}: a remote forward becomes a virtual listener, and no
 * port is ever bound on the server. Replies are sent here, once the registry has taken the change.
 */
final class ForwardRequestHandler implements ConnectionServiceRequestHandler {

    static final String FORWARD = "tcpip-forward";
    static final String CANCEL = "cancel-tcpip-forward";

    private static final Logger log = LoggerFactory.getLogger(ForwardRequestHandler.class);

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer)
            throws Exception {
        if (!FORWARD.equals(request) && !CANCEL.equals(request)) {
            return Result.Unsupported;
        }
        ServerSession session = (ServerSession) service.getSession();
        ClientConnection client = ClientConnection.of(session);
        String bindHost = buffer.getString();
        int port = buffer.getInt();
        if (CANCEL.equals(request)) {
            client.cancelListener(port).whenComplete((existed, failure) ->
                    reply(session, wantReply, failure == null && existed));
            return Result.Replied;
        }
        Optional<String> badHost = BindHost.problem(bindHost);
        if (badHost.isPresent()) {
            log.info("listener refused: {}:{} for {}: {}", client.name(), port, client.describe(), badHost.get());
            reply(session, wantReply, false);
            return Result.Replied;
        }
        client.addListener(bindHost, port).whenComplete((reason, failure) -> {
            if (failure != null || reason != null) {
                log.info("listener refused: {}:{} for {}: {}", client.name(), port, client.describe(),
                        failure != null ? failure.toString() : reason);
            }
            reply(session, wantReply, failure == null && reason == null);
        });
        return Result.Replied;
    }

    private static void reply(Session session, boolean wantReply, boolean success) {
        if (!wantReply) {
            return;
        }
        try {
            byte cmd = success ? SshConstants.SSH_MSG_REQUEST_SUCCESS : SshConstants.SSH_MSG_REQUEST_FAILURE;
            session.writePacket(session.createBuffer(cmd, 0));
        } catch (IOException e) {
            session.exceptionCaught(e);
        }
    }
}
