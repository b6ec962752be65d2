package org.nuttssh.ssh;

import java.util.Optional;
import java.util.function.Consumer;

import org.nuttssh.auth.AuthorizedKey;
import org.nuttssh.auth.AuthorizedKeys;
import org.nuttssh.auth.KeyAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an authorized_keys reload to the connections already logged in: one whose key is gone (or whose
 * {@code from=} no longer matches) is disconnected; the others get the rights and names of the line that admits them
 * now, and lose their listeners if their name is no longer theirs to use. Runs on the
 * thread that reloaded the file, never on an I/O thread.
 */
final class Revocation implements Consumer<AuthorizedKeys> {

    private static final Logger log = LoggerFactory.getLogger(Revocation.class);

    private final ConnectedClients clients;
    private final KeyAuthenticator authenticator;

    Revocation(ConnectedClients clients, KeyAuthenticator authenticator) {
        this.clients = clients;
        this.authenticator = authenticator;
    }

    @Override
    public void accept(AuthorizedKeys keys) {
        for (ClientConnection client : clients.all()) {
            try {
                apply(keys, client);
            } catch (RuntimeException e) {
                log.error("applying {} to {} failed; it keeps its rights until the next change", keys.file(),
                        client.describe(), e);
            }
        }
    }

    private void apply(AuthorizedKeys keys, ClientConnection client) {
        AuthorizedKey current = client.key();
        Optional<AuthorizedKey> admitting = authenticator.admits(client.session(), current.key());
        if (admitting.isEmpty()) {
            log.info("revoked: {} (key {}): no line of {} admits it any more; disconnecting", client.describe(),
                    current.fingerprint(), keys.file());
            client.disconnect("your key was removed from the relay's authorized_keys");
        } else {
            client.reauthorize(admitting.get()); // the same line too: another line may have reserved its name
        }
    }
}
