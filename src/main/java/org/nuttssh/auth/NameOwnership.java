package org.nuttssh.auth;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.registry.ClientName;

/**
 * Whether a client may listen under the name it goes by. A key line's own hostname= and alias= names are its to use
 * (the parser has checked them). The SSH user name, which a client chooses freely, must be a valid name, match the
 * line's names= patterns if it has any, and, with {@code reserved-names}, not be a name that other lines claim: a
 * name given by hostname= or alias= belongs to the lines that give it, and a name that a cert-authority line's names=
 * grants belongs to that CA's certificates, so no other key can listen under it and receive the circuits meant for
 * the machine that owns it. Names compare in any case.
 */
public final class NameOwnership {

    private final AuthorizedKeys keys;
    private final boolean reservedNames;

    /**
     * @param reservedNames names given by hostname= or alias= belong to the lines that give them, and names granted by
     *                      a cert-authority line's names= to its certificates
     */
    public NameOwnership(AuthorizedKeys keys, boolean reservedNames) {
        this.keys = keys;
        this.reservedNames = reservedNames;
    }

    /**
     * Why a client logged in as {@code userName}, admitted by {@code line}, may not listen now; empty if it may.
     * Judged against the file as it is now, so a reload can reserve a name a client is listening under.
     */
    public Optional<String> refusal(String userName, AuthorizedKey line) {
        if (line.hostname() != null) {
            return Optional.empty();
        }
        Optional<String> problem = ClientName.problem(userName);
        if (problem.isPresent()) {
            return Optional.of("the user name '" + userName + "' " + problem.get());
        }
        if (!line.permits().mayListenAs(userName)) {
            return Optional.of("the name '" + userName + "' is not allowed by " + line.permits().describeNames()
                    + " of " + line.location());
        }
        if (!reservedNames || line.gives(userName)) {
            return Optional.empty();
        }
        List<AuthorizedKey> owners = keys.linesGiving(userName);
        if (!owners.isEmpty()) {
            return Optional.of("the name '" + userName + "' belongs to the key of " + locations(owners)
                    + " (hostname=/alias=; reserved-names)");
        }
        List<AuthorizedKey> authorities = keys.authoritiesGranting(userName);
        if (!authorities.isEmpty() && authorities.stream().noneMatch(line::sameAuthority)) {
            return Optional.of("the name '" + userName + "' belongs to the certificates of the CA of "
                    + authorities.stream().map(ca -> ca.location() + " " + ca.permits().describeNames())
                    .collect(Collectors.joining(", ")) + " (cert-authority names=; reserved-names)");
        }
        return Optional.empty();
    }

    private static String locations(List<AuthorizedKey> lines) {
        return lines.stream().map(AuthorizedKey::location).collect(Collectors.joining(", "));
    }
}
