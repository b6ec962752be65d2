package org.nuttssh.auth;

import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a public key when some line of authorized_keys holds it and that line's {@code from=} lists all match the
 * client. The first such line, in file order, decides the session's access and names; it is stored in the session
 * under {@link #AUTHORIZED_KEY}.
 *
 * <p><b>Host names.</b> Like OpenSSH's default {@code UseDNS no}, with {@code useDns} false no DNS lookup is ever
 * made: the host name is unknown and {@code from=} globs see only the address text, so {@code *.example.org} matches
 * nobody. With {@code useDns} true, and only when a candidate line has a glob that could match a name, the address
 * is reverse-resolved on {@code dnsExecutor} and the name is used only if it resolves back to the same address.
 *
 * <p><b>Never waiting on an I/O thread.</b> MINA 2.20 rejects {@code AsyncAuthException} from public key
 * authenticators (it would let a key through before its signature is checked), so the answer must be given at once.
 * Register this object as a session listener ({@code server.addSessionListener(authenticator)}): the lookup then
 * starts as soon as the client's version line arrives, and if it is still under way when key exchange ends, the
 * session stops reading (no thread waits) until it is done or {@link #DEFAULT_HOST_NAME_WAIT} has passed, so the
 * client's authentication requests are read once the name is known. A name still unknown when a key is checked
 * fails closed (see {@link HostName}). Re-checking live sessions after a reload ({@link #admits}) runs off the I/O
 * threads and may wait as long.
 */
public final class KeyAuthenticator implements PublickeyAuthenticator, SessionListener {
    private static final Logger log = LoggerFactory.getLogger(KeyAuthenticator.class);

    /** The authorized_keys line that admitted the session; set on every accepted key, meaningful once authenticated. */
    public static final AttributeKey<AuthorizedKey> AUTHORIZED_KEY = new AttributeKey<>();

    /** Longest time a login is held, or a re-check after a reload waits, for a reverse DNS lookup under way. */
    public static final Duration DEFAULT_HOST_NAME_WAIT = Duration.ofSeconds(2);

    private static final AttributeKey<HostNameLookup> HOST_NAME_LOOKUP = new AttributeKey<>();
    /** Set once a session's reads were held for its lookup: a later key re-exchange needs no hold. */
    private static final AttributeKey<Boolean> HELD = new AttributeKey<>();

    private final AuthorizedKeys keys;
    private final boolean useDns;
    private final Executor dnsExecutor;
    private final HostNameResolver resolver;
    private final Duration hostNameWait;

    public KeyAuthenticator(AuthorizedKeys keys, boolean useDns, Executor dnsExecutor) {
        this(keys, useDns, dnsExecutor, new ReverseDns(), DEFAULT_HOST_NAME_WAIT);
    }

    KeyAuthenticator(AuthorizedKeys keys, boolean useDns, Executor dnsExecutor, HostNameResolver resolver,
                     Duration hostNameWait) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.useDns = useDns;
        this.dnsExecutor = useDns ? Objects.requireNonNull(dnsExecutor, "dnsExecutor") : dnsExecutor;
        this.resolver = resolver;
        this.hostNameWait = hostNameWait;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        IpAddress address;
        try {
            address = clientAddress(session);
        } catch (IllegalArgumentException e) {
            return refuse(session, username, key, "?", e.getMessage());
        }
        String addressText = address.toString();
        List<AuthorizedKey> candidates = keys.entriesFor(key);
        if (candidates.isEmpty()) {
            return refuse(session, username, key, addressText, "key not in " + DisplayPath.of(keys.file()));
        }
        HostName hostName = useDns && needsHostName(candidates) ? lookup(session, address).now() : HostName.NONE;
        Optional<AuthorizedKey> admitting = firstAdmitting(candidates, addressText, hostName);
        if (admitting.isPresent()) {
            AuthorizedKey entry = admitting.get();
            session.setAttribute(AUTHORIZED_KEY, entry);
            log.debug("auth accepted: key {} user '{}' from {} by {} (access {})", entry.fingerprint(), username,
                    addressText, entry.location(), entry.describeAccess());
            return true;
        }
        String lines = candidates.stream().map(AuthorizedKey::location).collect(Collectors.joining(", "));
        String client = hostName.name() != null ? addressText + " (" + hostName.name() + ")"
                : hostName.unknown() ? addressText + " (host name not known yet)" : addressText;
        return refuse(session, username, key, addressText,
                "from= " + lines + (candidates.size() == 1 ? " does" : " do") + " not match " + client);
    }

    /**
     * The line that admits an authenticated session's key now, chosen as at login (the first line in file order whose
     * {@code from=} matches), or empty if none does any more. For re-checking live sessions after a reload; it may
     * wait for a host name lookup like a login does, so call it off the I/O threads.
     */
    public Optional<AuthorizedKey> admits(ServerSession session, PublicKey key) {
        IpAddress address = clientAddress(session);
        List<AuthorizedKey> candidates = keys.entriesFor(key);
        HostName hostName = useDns && needsHostName(candidates)
                ? lookup(session, address).await(hostNameWait) : HostName.NONE;
        return firstAdmitting(candidates, address.toString(), hostName);
    }

    private static Optional<AuthorizedKey> firstAdmitting(List<AuthorizedKey> candidates, String address,
                                                          HostName hostName) {
        return candidates.stream().filter(entry -> entry.allowsFrom(address, hostName)).findFirst();
    }

    /** Whether some candidate's from= could need a host name, which is when --use-dns looks one up. */
    private static boolean needsHostName(List<AuthorizedKey> candidates) {
        return candidates.stream().anyMatch(AuthorizedKey::needsHostName);
    }

    private boolean refuse(ServerSession session, String username, PublicKey key, String address, String reason) {
        // A key accepted earlier in this session but never proven must not linger as the session's identity.
        session.removeAttribute(AUTHORIZED_KEY);
        log.info("auth refused: key {} user '{}' from {}: {}", KeyUtils.getFingerPrint(key), username, address,
                reason);
        return false;
    }

    /** Starts the host name lookup early, while key exchange runs, when some line could need it. */
    @Override
    public void sessionPeerIdentificationReceived(Session session, String version, List<String> extraLines) {
        if (!useDns || !session.isServerSession()
                || keys.entries().stream().noneMatch(AuthorizedKey::needsHostName)) {
            return;
        }
        try {
            lookup(session, clientAddress(session));
        } catch (RuntimeException e) {
            // Nothing lost: authenticate() will report the address problem or start the lookup itself.
            log.debug("no early host name lookup for {}: {}", session, e.toString());
        }
    }

    /**
     * Key exchange is done and the client's authentication requests come next: if the host name is still being looked
     * up, hold the session's reads until it is known (or the wait is over), so that they are judged with it.
     */
    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.KexCompleted) {
            return;
        }
        HostNameLookup lookup = session.getAttribute(HOST_NAME_LOOKUP);
        if (lookup == null || lookup.isDone() || session.setAttribute(HELD, Boolean.TRUE) != null) {
            return;
        }
        IoSession io = session.getIoSession();
        io.suspendRead();
        lookup.whenSettled(hostNameWait, io::resumeRead);
    }

    /** The session's lookup for {@code address}; a new one if the address changed (a PROXY header arrived late). */
    private HostNameLookup lookup(Session session, IpAddress address) {
        HostNameLookup existing = session.computeAttributeIfAbsent(HOST_NAME_LOOKUP,
                k -> HostNameLookup.start(address, resolver, dnsExecutor));
        if (existing.address().equals(address)) {
            return existing;
        }
        HostNameLookup fresh = HostNameLookup.start(address, resolver, dnsExecutor);
        session.setAttribute(HOST_NAME_LOOKUP, fresh);
        return fresh;
    }

    private static IpAddress clientAddress(Session session) {
        InetAddress inet = ClientAddress.of(session).getAddress();
        if (inet == null) {
            throw new IllegalArgumentException("client address of " + session + " is unresolved");
        }
        return IpAddress.of(inet);
    }
}
