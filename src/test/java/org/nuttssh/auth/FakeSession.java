package org.nuttssh.auth;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.net.IpAddress;

/** A ServerSession with just an address and attributes, enough for the authenticator; anything else throws. */
final class FakeSession {
    private FakeSession() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static ServerSession from(String host, int port) {
        InetSocketAddress peer = new InetSocketAddress(IpAddress.parse(host).orElseThrow().toInetAddress(), port);
        Map<AttributeKey<?>, Object> attributes = new ConcurrentHashMap<>();
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "getClientAddress", "getRemoteAddress" -> peer;
            case "getAttribute" -> attributes.get(args[0]);
            case "setAttribute" -> attributes.put((AttributeKey<?>) args[0], args[1]);
            case "removeAttribute" -> attributes.remove(args[0]);
            case "computeAttributeIfAbsent" -> attributes.computeIfAbsent((AttributeKey<?>) args[0],
                    k -> ((Function) args[1]).apply(k));
            case "isServerSession" -> true;
            case "toString" -> "FakeSession[" + peer + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
        };
        return (ServerSession) Proxy.newProxyInstance(FakeSession.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, handler);
    }
}
