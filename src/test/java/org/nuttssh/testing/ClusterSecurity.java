package org.nuttssh.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.cluster.trust.ClusterCertificates;
import org.nuttssh.config.ClusterConfig;

/** A secure cluster's files for tests, made by the same code as {@code cluster-certs}, one CA per directory. */
public final class ClusterSecurity {

    private ClusterSecurity() {
    }

    /** The certificate, key, CA and secret of {@code node}, made in {@code dir} unless they exist. */
    public static ClusterConfig.Secure of(Path dir, String node) {
        try {
            new ClusterCertificates(dir, line -> { }).create(List.of(node), List.of("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ClusterConfig.Secure(new ClusterConfig.ClusterTls(dir.resolve(node + ".crt"),
                dir.resolve(node + ".key"), dir.resolve(ClusterCertificates.CA_CERT)),
                dir.resolve(ClusterCertificates.SECRET));
    }
}
