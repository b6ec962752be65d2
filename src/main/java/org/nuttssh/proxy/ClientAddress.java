package org.nuttssh.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.session.ServerSession;

/**
 * The client address to use for from= checks and logs. Defaults to the TCP peer; a PROXY-protocol layer may later
 * override it.
 */
public final class ClientAddress {
    /** Set by a layer that knows the real client better than the TCP peer, e.g. from a PROXY protocol header. */
    public static final AttributeKey<InetSocketAddress> OVERRIDE = new AttributeKey<>();

    private ClientAddress() {
    }

    /**
     * @throws IllegalArgumentException if the session's transport has no IP address, which MINA's TCP transports
     *     never do
     */
    public static InetSocketAddress of(Session s) {
        InetSocketAddress override = s.getAttribute(OVERRIDE);
        if (override != null) {
            return override;
        }
        // A server session's client address already reflects MINA's own proxy acceptor, when one is installed.
        SocketAddress peer = s instanceof ServerSession server ? server.getClientAddress() : s.getRemoteAddress();
        if (peer instanceof InetSocketAddress inet) {
            return inet;
        }
        if (peer instanceof SshdSocketAddress sshd) {
            return sshd.toInetSocketAddress();
        }
        throw new IllegalArgumentException("client address " + peer + " of " + s + " is not an IP socket address");
    }
}
