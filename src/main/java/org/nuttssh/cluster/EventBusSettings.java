package org.nuttssh.cluster;

import org.nuttssh.config.ClusterConfig;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/** How this node's event bus listens and talks to the others: address, and mutual TLS when configured. */
final class EventBusSettings {

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
        ClusterConfig.ClusterTls tls = config.tls();
        if (tls != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                            .setKeyPath(tls.key().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
                    .setClientAuth(ClientAuth.REQUIRED);
        }
        return options;
    }
}
