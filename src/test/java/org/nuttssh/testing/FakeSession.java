package org.nuttssh.testing;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.net.IpAddress;

/**
 * A MINA server session with a TCP peer, attributes and a close switch: what the authenticator and the PROXY acceptor
 * touch. Anything else throws, so a test notices when the code under test starts to need more.
 */
public final class FakeSession {
    private final InetSocketAddress peer;
    private final Map<AttributeKey<?>, Object> attributes = new ConcurrentHashMap<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final ServerSession session;

    public FakeSession(InetSocketAddress peer) {
        this.peer = peer;
        this.session = (ServerSession) Proxy.newProxyInstance(FakeSession.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress", "getClientAddress" -> peer;
                    case "getAttribute" -> attributes.get(args[0]);
                    case "setAttribute" -> attributes.put((AttributeKey<?>) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove(args[0]);
                    case "computeAttributeIfAbsent" -> computeIfAbsent((AttributeKey<?>) args[0], args[1]);
                    case "isServerSession" -> true;
                    case "getUsername" -> "user";
                    case "isOpen" -> closes.get() == 0;
                    case "close" -> {
                        closes.incrementAndGet();
                        yield null;
                    }
                    case "toString" -> "FakeSession[" + peer + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A session from {@code host} (an IP literal) and {@code port}. */
    public static ServerSession from(String host, int port) {
        return new FakeSession(new InetSocketAddress(IpAddress.parse(host).orElseThrow().toInetAddress(), port))
                .session();
    }

    public ServerSession session() {
        return session;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    /** How often the session was told to close. */
    public int closes() {
        return closes.get();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object computeIfAbsent(AttributeKey<?> key, Object resolver) {
        return attributes.computeIfAbsent(key, k -> ((Function) resolver).apply(k));
    }
}
