package org.nuttssh.cluster.membership;

import java.nio.file.Files;
import java.nio.file.Path;

import org.nuttssh.cluster.trust.ClusterTrust;
import org.nuttssh.config.ClusterConfig;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * How this node's event bus listens and talks to the others. In a secure cluster both ends of every connection
 * present a certificate the cluster's CA signed and has not revoked, and check the other's, so only the cluster's
 * nodes exchange circuit bytes, circuit opens and operator requests.
 */
public final class EventBusSettings {

    private EventBusSettings() {
    }

    static EventBusOptions of(ClusterConfig config) {
        EventBusOptions options = new EventBusOptions();
        if (config.host() != null) {
            options.setHost(config.host());
        }
        if (config.publicHost() != null) {
            options.setClusterPublicHost(config.publicHost());
        }
        if (config.security() instanceof ClusterConfig.Secure secure) {
            ClusterConfig.ClusterTls tls = secure.tls();
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                            .setKeyPath(tls.key().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
                    .setClientAuth(ClientAuth.REQUIRED)
                    // The event bus trusts every server certificate unless told otherwise: a node would send its
                    // certificate, and circuit bytes, to whoever claims a peer's address.
                    .setTrustAll(false);
            Path revoked = ClusterTrust.crlOf(tls);
            if (Files.exists(revoked)) {
                options.addCrlPath(revoked.toString());
            }
            // BoringSSL (netty-tcnative) where its native library loads: measured side by side, the JDK's TLS cost
            // the two nodes of a circuit about twice as much CPU per gigabyte (docs/performance.md).
            if (OpenSSLEngineOptions.isAvailable()) {
                options.setSslEngineOptions(new OpenSSLEngineOptions());
            }
        }
        return options;
    }

    /** Which TLS implementation the event bus uses, for the log. */
    public static String tlsEngine() {
        return OpenSSLEngineOptions.isAvailable() ? "BoringSSL" : "the JDK's TLS";
    }
}
