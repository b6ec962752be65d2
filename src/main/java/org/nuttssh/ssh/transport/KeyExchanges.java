package org.nuttssh.ssh.transport;

import java.util.List;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyExchange;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.kex.DHGEXServer;
import org.apache.sshd.server.kex.DHGServer;
import org.apache.sshd.server.kex.Moduli;
import org.apache.sshd.server.session.ServerSession;

/**
 * The relay's side of the key exchanges, as MINA's server builder makes them, except that Diffie-Hellman group
 * exchange never picks a group larger than {@link #MAX_GROUP_BITS}, whatever the client asks for. The client chooses
 * the key exchange and, in a group exchange, the size of the group, before it has proven anything; the relay's cost
 * grows steeply with the size (MINA computes with full-length exponents), so without a bound any client could make
 * the relay spend a quarter of a second of CPU per connection.
 */
public final class KeyExchanges {

    /**
     * The largest group a group exchange gets. Measured with bench/KexCost.java (docs/performance.md), the relay's CPU
     * per handshake: 5 ms at 2048 bits, 14 ms at 3072, 31 ms at 4096, 97 ms at 6144, 231 ms at 8192, against 0.5-2 ms
     * for the elliptic-curve and post-quantum exchanges. 4096 bits is the fixed group16's cost, which the relay also
     * offers, and above the 3072 bits that OpenSSH asks for with the AES-128 cipher the relay chooses for it; a client
     * that asks for 8192 (OpenSSH with a 256-bit cipher, or one out to make the relay work) gets 4096, within what it
     * accepts.
     */
    public static final int MAX_GROUP_BITS = 4096;

    private KeyExchanges() {
    }

    /** The server side of each key exchange, in the same order. */
    public static List<KeyExchangeFactory> of(List<? extends DHFactory> algorithms) {
        return NamedFactory.setUpTransformedFactories(false, algorithms,
                dh -> dh.isGroupExchange() ? bounded(dh) : DHGServer.newFactory(dh));
    }

    private static KeyExchangeFactory bounded(DHFactory dh) {
        return new KeyExchangeFactory() {
            @Override
            public KeyExchange createKeyExchange(Session session) {
                return new BoundedGroupExchange(dh, session);
            }

            @Override
            public String getName() {
                return dh.getName();
            }
        };
    }

    /** MINA's group exchange, choosing among the groups no larger than the bound. */
    private static final class BoundedGroupExchange extends DHGEXServer {

        BoundedGroupExchange(DHFactory factory, Session session) {
            super(factory, session);
        }

        /**
         * What the client asked for stays as it was (it is part of the exchange hash); only the choice is bounded. A
         * client whose minimum is above the bound gets no group, and the key exchange fails.
         */
        @Override
        protected List<Moduli.DhGroup> selectModuliGroups(ServerSession session, int min, int preferred, int max,
                                                          List<Moduli.DhGroup> groups) throws Exception {
            return super.selectModuliGroups(session, min, Math.min(preferred, MAX_GROUP_BITS),
                    Math.min(max, MAX_GROUP_BITS), groups);
        }
    }
}
