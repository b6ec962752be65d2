package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real {@code ssh} through a stand-in for a trusted proxy that writes a chosen PROXY header first (a
 * {@code ProxyCommand} on bash's {@code /dev/tcp}): a header that names no client (v2 LOCAL, v2 PROXY with no IP
 * addresses, v1 UNKNOWN) must not let the connection log in as the proxy, whose address a key's {@code from=}
 * admits.
 */
class ProxyHeaderWithoutClientTest {

    /** The trusted proxy, as the relay sees every connection of this test come from it. */
    private static final String PROXY_ADDRESS = "127.0.0.1";
    /** The client a PROXIED header names. */
    private static final String CLIENT_ADDRESS = "127.0.0.3";

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();
    private Path proxy;

    @BeforeEach
    void start() throws Exception {
        relay.configure(config -> config.proxyProtocol(true).proxyProtocolFrom(List.of(PROXY_ADDRESS)));
        relay.start("access=\"initiate\",from=\"" + PROXY_ADDRESS + "\" {proxyhost}",
                "access=\"initiate\",from=\"" + CLIENT_ADDRESS + "\" {client}");
        proxy = relay.dir().resolve("proxy-with-header");
        Files.writeString(proxy, """
                # PORT HEADER: connects to the relay, writes HEADER (printf escapes), then joins stdin and stdout to it.
                exec 3<>/dev/tcp/127.0.0.1/$1
                printf "$2" >&3
                cat <&3 &
                exec cat >&3
                """, StandardCharsets.UTF_8);
    }

    /** {@code ssh ... list} as the role, through the stand-in proxy sending {@code header}. */
    private SshProcess listThrough(String header, String role) throws Exception {
        return relay.run(relay.ssh("-o", "ProxyCommand=bash " + proxy + " " + relay.port() + " '" + header + "'",
                "relay-" + role, "list"));
    }

    @Test
    void aProxiedHeaderIsJudgedByItsClientAddress() throws Exception {
        String header = "PROXY TCP4 " + CLIENT_ADDRESS + " 127.0.0.1 40000 1878\\r\\n";

        SshProcess client = listThrough(header, "client");
        assertEquals(0, client.process().exitValue(), client.stderr());

        SshProcess proxyhost = listThrough(header, "proxyhost");
        assertEquals(255, proxyhost.process().exitValue(), proxyhost.stderr());
        assertTrue(proxyhost.stderr().contains("Permission denied (publickey)"), proxyhost.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "PROXY UNKNOWN\\r\\n",
        "PROXY UNKNOWN 127.0.0.3 127.0.0.1 40000 1878\\r\\n",
        // v2 LOCAL, no addresses: what HAProxy's health checks send
        "\\r\\n\\r\\n\\x00\\r\\nQUIT\\n\\x20\\x00\\x00\\x00",
        // v2 PROXY, address family UNSPEC
        "\\r\\n\\r\\n\\x00\\r\\nQUIT\\n\\x21\\x00\\x00\\x00"})
    void aHeaderWithoutAClientAddressCannotLogInAsTheProxy(String header) throws Exception {
        SshProcess proxyhost = listThrough(header, "proxyhost");

        assertEquals(255, proxyhost.process().exitValue(), "logged in as the proxy: " + proxyhost.stdout());
        assertFalse(proxyhost.stderr().contains("Permission denied"), "dropped before authentication: "
                + proxyhost.stderr());
        assertEquals(0, relay.server().statistics().authFailures());
    }
}
