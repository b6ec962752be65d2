package org.nuttssh.proxy;

import java.util.Optional;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerProxyAcceptor;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.auth.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY v1/v2 header a load balancer puts before the SSH version line and makes its source address the
 * session's {@link ClientAddress}, for {@code from=} checks and logs. A connection without a valid header is dropped:
 * behind a proxy, such a connection bypassed it, and its TCP peer would be trusted as the client.
 *
 * <p>MINA calls this before reading the client's SSH version line, and again, with the read position put back to the
 * start of the connection, each time that line is still incomplete. So a header is decoded afresh on every call (the
 * same bytes give the same result), and answering "need more bytes" leaves the read position where it was found.
 */
public final class ProxyProtocolAcceptor implements ServerProxyAcceptor {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolAcceptor.class);

    /** The header a session came with; tells the first successful call (worth a log line) from MINA's repeats. */
    private static final AttributeKey<ProxyHeader> HEADER = new AttributeKey<>();

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
        buffer.rpos(buffer.rpos() + header.length());
        header.client().ifPresent(client -> session.setAttribute(ClientAddress.OVERRIDE, client));
        if (session.setAttribute(HEADER, header) == null) {
            log.debug("{}: {}", SocketAddressText.of(session.getRemoteAddress()), header);
        }
        return true;
    }
}
