package org.nuttssh.auth.keys;

import java.util.Set;

/** The key type names that can start the key part of an authorized_keys line. */
final class KeyTypes {
    static final Set<String> SUPPORTED = Set.of(
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    /** Recognised so that a line holding one gets a clear "not supported" instead of a confusing option error. */
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

    private static final String CERTIFICATE_SUFFIX = "-cert-v01@openssh.com";

    static final String SUPPORTED_LIST = "ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa";

    private KeyTypes() {
    }

    static boolean isKeyType(String token) {
        return SUPPORTED.contains(token) || KNOWN_UNSUPPORTED.contains(token) || token.endsWith(CERTIFICATE_SUFFIX);
    }

    /** Why {@code type} cannot be used, or null if it can. */
    static String unsupportedReason(String type) {
        if (SUPPORTED.contains(type)) {
            return null;
        }
        if (type.endsWith(CERTIFICATE_SUFFIX)) {
            return "certificates ('" + type + "') are not supported; list the plain public key instead";
        }
        return "key type '" + type + "' is not supported; use " + SUPPORTED_LIST;
    }
}
