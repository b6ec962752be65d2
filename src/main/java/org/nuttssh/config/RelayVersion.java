package org.nuttssh.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The relay's version, as Maven wrote it into the build. */
public final class RelayVersion {

    private static final String VERSION = read();

    private RelayVersion() {
    }

    /** For example {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    /**
     * What follows {@code SSH-2.0-} in the relay's SSH identification, e.g. {@code Nuttssh_0.1.0_SNAPSHOT}: RFC 4253
     * 4.2 allows no spaces and no minus signs there.
     */
    public static String sshSoftwareVersion() {
        return "Nuttssh_" + VERSION.replaceAll("[^\\x21-\\x7e]|-", "_");
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = RelayVersion.class.getResourceAsStream("/nuttssh-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }
}
