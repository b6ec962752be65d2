package org.nuttssh.ssh;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.RefusalReason;
import org.nuttssh.memory.WindowAccount;

/**
 * The target end of a circuit: a {@code forwarded-tcpip} channel this relay opens on a listening client's connection,
 * as an SSH server would for a real remote-forwarded port.
 */
final class ForwardedTcpipChannel extends AbstractClientChannel {

    private static final String TYPE = "forwarded-tcpip";

    private final String target;
    private final String bindHost;
    private final int port;
    private final String originHost;
    private final int originPort;
    private final ChannelEnd end;

    /**
     * @param target   for logs and refusals, e.g. {@code gw1:22}
     * @param bindHost echoed exactly as the client sent it in {@code tcpip-forward}; OpenSSH matches on it
     * @param windows  the listening client's window account
     */
    ForwardedTcpipChannel(String target, String bindHost, int port, String originHost, int originPort,
                          WindowAccount windows) {
        super(TYPE);
        this.target = target;
        this.bindHost = bindHost;
        this.port = port;
        this.originHost = originHost;
        this.originPort = originPort;
        this.end = new ChannelEnd(this, this::sendEof, target, windows);
    }

    /**
     * Sends the open request; call after the channel is registered with the connection.
     *
     * @return the end, once the client has accepted; or the client's refusal as a {@link CircuitRefusedException}
     */
    CompletionStage<CircuitEnd> openEnd() throws IOException {
        CompletableFuture<CircuitEnd> result = new CompletableFuture<>();
        open().addListener(future -> {
            Throwable failure = future.getException();
            if (failure == null) {
                result.complete(end);
            } else if (failure instanceof SshChannelOpenException refused) {
                result.completeExceptionally(new CircuitRefusedException(RefusalReason.TARGET_REFUSED,
                        refused.getReasonCode(), target + ": " + refused.getMessage()));
            } else {
                result.completeExceptionally(CircuitRefusedException.of(RefusalReason.TARGET_GONE,
                        target + ": " + failure));
            }
        });
        return result;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        openFuture = new DefaultOpenFuture(target, futureLock);
        end.openWindow(); // before the open, which carries the window
        Session session = getSession();
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN,
                TYPE.length() + bindHost.length() + originHost.length() + 32);
        buffer.putString(TYPE);
        buffer.putUInt(getChannelId());
        buffer.putUInt(getLocalWindow().getSize());
        buffer.putUInt(getLocalWindow().getPacketSize());
        buffer.putString(bindHost);
        buffer.putUInt(port);
        buffer.putString(originHost);
        buffer.putUInt(originPort);
        writePacket(buffer);
        return openFuture;
    }

    /** Called by MINA once the client confirmed the open, before the open future completes. */
    @Override
    protected void doOpen() {
        end.opened();
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        end.windowExpanded();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        end.data(data, off, len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        // TCP forwarding has no stderr; drop it but give the window back so the client is not stalled.
        getLocalWindow().release(len);
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        end.eof();
    }
}
