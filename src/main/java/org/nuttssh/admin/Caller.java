package org.nuttssh.admin;

import java.util.List;
import java.util.Set;

import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.Permits;

/**
 * Who runs a relay command.
 *
 * @param name        the client's name (SSH user name, or the key's hostname=)
 * @param address     {@code ip:port}
 * @param fingerprint of the key it logged in with (a certificate's CA key when it used a certificate)
 * @param transport   the cipher and MAC the connection runs, as the relay chose them
 * @param certificate the certificate it logged in with ({@code id "..." serial N ca SHA256:...}), or null
 * @param permits     what its key's line narrows, {@code permitopen=} among it
 */
public record Caller(String name, List<String> aliases, Set<Access> access, String address, String fingerprint,
                     Transport transport, String certificate, Permits permits) {

    /**
     * @param cipher client to server, and server to client if that differs
     * @param mac    likewise; empty with an AEAD cipher, which authenticates by itself
     */
    public record Transport(String cipher, String mac) {
    }

    public Caller {
        aliases = List.copyOf(aliases);
        access = Set.copyOf(access);
    }
}
