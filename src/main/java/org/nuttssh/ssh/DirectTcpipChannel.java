package org.nuttssh.ssh;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.circuit.Connector;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.Initiator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator end of a circuit: a {@code direct-tcpip} channel ({@code ssh -W}, {@code -L}, {@code -D}, {@code -J})
 * whose "host" is a client name. The open is confirmed only once the listening client has accepted, so a refusal
 * reaches the initiator as a channel-open failure with the reason.
 */
final class DirectTcpipChannel extends AbstractServerChannel {

    private static final Logger log = LoggerFactory.getLogger(DirectTcpipChannel.class);

    private final Connector switchboard;
    private final ForwardingPolicy policy;
    private ChannelEnd end;

    DirectTcpipChannel(Connector switchboard, ForwardingPolicy policy) {
        super(null);
        this.switchboard = switchboard;
        this.policy = policy;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String target = buffer.getString();
        int port = buffer.getInt();
        String originHost = buffer.getString();
        int originPort = buffer.getInt();

        OpenFuture result = new DefaultOpenFuture(this, futureLock);
        ClientConnection initiator = ClientConnection.of((ServerSession) getSession());
        Initiator who = new Initiator(initiator.id(), initiator.name(), initiator.address(),
                initiator.key().fingerprint(), initiator.certificate().map(UserCertificate::describe).orElse(null));
        String route = initiator.describe() + " -> " + target + ":" + port;
        // Every refusal of this open goes through here: reported once, then answered.
        Consumer<CircuitRefusedException> refuse = reason -> {
            switchboard.refused(who, target, port, reason);
            refuse(result, route, reason);
        };
        Optional<CircuitRefusedException> refused = policy.canConnect(initiator.key(), target, port);
        if (refused.isPresent()) {
            refuse.accept(refused.get());
            return result;
        }
        end = new ChannelEnd(this, this::sendEof, initiator.describe(), initiator.windows());
        try {
            end.openWindow(); // before the confirmation, which carries the window
        } catch (IOException e) {
            refuse.accept(CircuitRefusedException.connectFailed(e.getMessage()));
            return result;
        }
        switchboard.connect(end, who, target, port, originHost, originPort).whenComplete((circuit, failure) -> {
            if (failure != null) {
                refuse.accept(CircuitRefusedException.from(failure));
                return;
            }
            end.opened();
            signalChannelOpenSuccess();
            result.setOpened();
            circuit.initiatorReady();
            log.info("circuit opened: {}", route);
        });
        return result;
    }

    private void refuse(OpenFuture result, String route, CircuitRefusedException reason) {
        log.info("circuit refused: {}: {}", route, reason.getMessage());
        RelayConnectionService.of(getSession()).explainOpenFailure(getRecipient(), reason.getMessage());
        try {
            result.setException(new SshChannelOpenException(getChannelId(), reason.reasonCode(), reason.getMessage()));
        } finally {
            close(true); // the failure reply is the whole answer; there is no channel to close gracefully
        }
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        if (end != null) {
            end.windowExpanded();
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        end.data(data, off, len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        getLocalWindow().release(len); // no stderr on a TCP stream; see ForwardedTcpipChannel
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        if (end != null) {
            end.eof();
        }
    }
}
