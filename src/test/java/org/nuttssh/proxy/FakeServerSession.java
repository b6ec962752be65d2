package org.nuttssh.proxy;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;

/** A ServerSession with a TCP peer, attributes and a close switch: what the acceptor touches. Anything else throws. */
final class FakeServerSession {
    private final InetSocketAddress peer;
    private final Map<AttributeKey<?>, Object> attributes = new ConcurrentHashMap<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final ServerSession session;

    FakeServerSession(InetSocketAddress peer) {
        this.peer = peer;
        this.session = (ServerSession) Proxy.newProxyInstance(FakeServerSession.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress", "getClientAddress" -> peer;
                    case "getAttribute" -> attributes.get(args[0]);
                    case "setAttribute" -> attributes.put((AttributeKey<?>) args[0], args[1]);
                    case "isOpen" -> closes.get() == 0;
                    case "close" -> {
                        closes.incrementAndGet();
                        yield null;
                    }
                    case "toString" -> "FakeServerSession[" + peer + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    ServerSession session() {
        return session;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** How often the session was told to close. */
    int closes() {
        return closes.get();
    }
}
