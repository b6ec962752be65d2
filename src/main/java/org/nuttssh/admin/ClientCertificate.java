package org.nuttssh.admin;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificate a listening client logged in with, as {@code list -v --json} shows it. Nodes pass it to each other
 * as the one line {@code UserCertificate.describe()} writes ({@code id "gw-0042" serial 42 ca SHA256:...}), the form
 * every node, old or new, sends; this reads the fields back out of it.
 *
 * @param keyId  the key ID, as the client sent it
 * @param serial an unsigned 64-bit number
 * @param ca     the fingerprint of the CA key that signed it
 */
record ClientCertificate(String keyId, BigInteger serial, String ca) {

    /**
     * The key ID may hold anything, quotes and spaces included, so it is what lies between the first {@code id "}
     * and the last {@code " serial}: the serial is digits and the CA fingerprint has no space.
     */
    private static final Pattern DESCRIBED = Pattern.compile("id \"(.*)\" serial (\\d+) ca (\\S+)", Pattern.DOTALL);

    /** The fields of a described certificate; empty for a line in another form. */
    static Optional<ClientCertificate> parse(String described) {
        Matcher matcher = DESCRIBED.matcher(described);
        return matcher.matches()
                ? Optional.of(new ClientCertificate(matcher.group(1), new BigInteger(matcher.group(2)), matcher.group(3)))
                : Optional.empty();
    }
}
