package org.nuttssh.proxy;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** {@code 192.0.2.1:22} or {@code [2001:db8::1]:22}: what a log reader expects, without the JDK's leading slash. */
final class SocketAddressText {
    private SocketAddressText() {
    }

    static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (inet.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
