package org.nuttssh.auth;

import org.nuttssh.auth.keys.AuthorizedKey;

/**
 * Whether a session already logged in is still admitted after a reload of authorized_keys or revoked-keys.
 *
 * @param line    the line that admits it now, narrowed as at login; null when it is refused
 * @param refusal why it is refused, or null
 * @param revoked whether the refusal is a revocation (the revoked-keys file), which the client is told
 */
public record Admission(AuthorizedKey line, String refusal, boolean revoked) {

    public boolean admitted() {
        return line != null;
    }
}
