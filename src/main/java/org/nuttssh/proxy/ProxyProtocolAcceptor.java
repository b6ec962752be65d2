package org.nuttssh.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerProxyAcceptor;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY v1/v2 header a load balancer puts before the SSH version line and makes its source address the
 * session's {@link ClientAddress}, for {@code from=} checks, per-source limits and logs. Headers are honoured only
 * from the trusted proxies ({@code proxy-protocol-from}, like nginx's {@code set_real_ip_from}): a connection from
 * any other peer is dropped as soon as it is accepted, since whoever sends the header decides the client address.
 * A connection from a trusted proxy without a valid header is dropped too: it bypassed the proxy's header, and the
 * proxy would be trusted as the client. So is one whose header names no client (v2 LOCAL, as HAProxy's health checks
 * send, v2 without IP addresses, v1 UNKNOWN), for the same reason; it has seen the relay's version line by then,
 * which MINA sends as soon as a connection is accepted.
 *
 * <p>MINA calls this before reading the client's SSH version line, and again, with the read position put back to the
 * start of the connection, each time that line is still incomplete. So a header is decoded afresh on every call (the
 * same bytes give the same result), and answering "need more bytes" leaves the read position where it was found.
 * Register it as a session listener too ({@code server.addSessionListener(acceptor)}) for the check of the peer.
 */
public final class ProxyProtocolAcceptor implements ServerProxyAcceptor, SessionListener {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolAcceptor.class);

    /** The header a session came with; tells the first successful call (worth a log line) from MINA's repeats. */
    private static final AttributeKey<ProxyHeader> HEADER = new AttributeKey<>();

    private final List<CidrBlock> trusted;
    private final Consumer<Session> clientKnown;

    /**
     * @param trusted     the proxies whose headers are honoured
     * @param clientKnown told once a session's client address is final, i.e. its header has been read
     */
    public ProxyProtocolAcceptor(List<CidrBlock> trusted, Consumer<Session> clientKnown) {
        this.trusted = List.copyOf(trusted);
        this.clientKnown = clientKnown;
    }

    @Override
    public void sessionCreated(Session session) {
        SocketAddress peer = session.getRemoteAddress();
        boolean fromProxy = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && isTrusted(IpAddress.of(inet.getAddress()));
        if (!fromProxy) {
            log.info("dropping {}: not a trusted proxy (proxy-protocol-from {}); clients must come through the"
                    + " load balancer", SocketAddressText.of(peer), trustedText());
            session.close(true);
        }
    }

    private boolean isTrusted(IpAddress peer) {
        return trusted.stream().anyMatch(block -> block.contains(peer));
    }

    private String trustedText() {
        return trusted.stream().map(CidrBlock::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean acceptServerProxyMetadata(ServerSession session, Buffer buffer) {
        if (!session.isOpen()) {
            return false; // being dropped; bytes that arrived meanwhile need no second verdict
        }
        Optional<ProxyHeader> decoded;
        try {
            decoded = ProxyHeaderDecoder.decode(buffer.array(), buffer.rpos(), buffer.available());
        } catch (ProxyHeaderException e) {
            // Closing here rather than throwing: MINA would log a thrown exception twice, as warnings with stack
            // traces, for what is a routine event on an exposed port.
            log.info("dropping {}: {}", SocketAddressText.of(session.getRemoteAddress()), e.getMessage());
            session.close(true);
            return false;
        }
        if (decoded.isEmpty()) {
            return false; // MINA calls again when more bytes arrive
        }
        ProxyHeader header = decoded.get();
        Optional<InetSocketAddress> client = header.client();
        if (client.isEmpty()) {
            // Judged as the TCP peer, it would pass from= and source-address rules written for the proxy itself.
            // At debug level: HAProxy's health checks send LOCAL every few seconds.
            log.debug("dropping {}: {}: no client address to judge it by",
                    SocketAddressText.of(session.getRemoteAddress()), header);
            session.close(true);
            return false;
        }
        buffer.rpos(buffer.rpos() + header.length());
        session.setAttribute(ClientAddress.OVERRIDE, client.get());
        if (session.setAttribute(HEADER, header) == null) {
            log.debug("{}: {}", SocketAddressText.of(session.getRemoteAddress()), header);
            clientKnown.accept(session);
        }
        return true;
    }
}
