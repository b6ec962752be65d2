package org.nuttssh.auth;

import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;
import org.nuttssh.auth.certificates.CertificateRefusal;
import org.nuttssh.auth.certificates.CertificateRules;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.auth.dns.HostName;
import org.nuttssh.auth.dns.HostNameLookup;
import org.nuttssh.auth.dns.HostNameResolver;
import org.nuttssh.auth.dns.ReverseDns;
import org.nuttssh.auth.dns.ReverseLookups;
import org.nuttssh.auth.files.DisplayPath;
import org.nuttssh.auth.keys.Access;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.revocation.RevokedKeys;
import org.nuttssh.metrics.Tally;
import org.nuttssh.net.IpAddress;
import org.nuttssh.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a public key when some line of authorized_keys holds it and that line's {@code from=} lists all match the
 * client. The first such line, in file order, decides the session's access and names; it is stored in the session
 * under {@link #AUTHORIZED_KEY}. An OpenSSH user certificate is accepted only by a {@code cert-authority} line of the
 * CA that signed it, under {@link CertificateRules}; it is stored under {@link #CERTIFICATE}. Keys and certificates
 * listed in the revoked-keys file are refused first.
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
    /** The certificate the session logged in with, when it used one; set with {@link #AUTHORIZED_KEY}. */
    public static final AttributeKey<UserCertificate> CERTIFICATE = new AttributeKey<>();
    /** The key or certificate the session logged in with, which a reload judges again ({@link #admits}). */
    public static final AttributeKey<PublicKey> PRESENTED_KEY = new AttributeKey<>();

    /** Longest time a login is held, or a re-check after a reload waits, for a reverse DNS lookup under way. */
    public static final Duration DEFAULT_HOST_NAME_WAIT = Duration.ofSeconds(2);

    private static final AttributeKey<HostNameLookup> HOST_NAME_LOOKUP = new AttributeKey<>();
    /** Set once a session's reads were held for its lookup: a later key re-exchange needs no hold. */
    private static final AttributeKey<Boolean> HELD = new AttributeKey<>();

    private final AuthorizedKeys keys;
    private final RevokedKeys revokedKeys;
    private final Tally<CertificateRefusal> certificateRefusals = Tally.of(CertificateRefusal.class,
            CertificateRefusal::label);
    private final boolean useDns;
    private final ReverseLookups lookups;
    private final Duration hostNameWait;

    public KeyAuthenticator(AuthorizedKeys keys, RevokedKeys revokedKeys, boolean useDns, Executor dnsExecutor) {
        this(keys, revokedKeys, useDns, dnsExecutor, new ReverseDns(), DEFAULT_HOST_NAME_WAIT);
    }

    KeyAuthenticator(AuthorizedKeys keys, RevokedKeys revokedKeys, boolean useDns, Executor dnsExecutor,
                     HostNameResolver resolver, Duration hostNameWait) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.revokedKeys = Objects.requireNonNull(revokedKeys, "revokedKeys");
        this.useDns = useDns;
        this.lookups = new ReverseLookups(resolver,
                useDns ? Objects.requireNonNull(dnsExecutor, "dnsExecutor") : dnsExecutor);
        this.hostNameWait = hostNameWait;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        IpAddress address;
        try {
            address = clientAddress(session);
        } catch (IllegalArgumentException e) {
            return refuse(session, username, key, "?", new Verdict(null, null, e.getMessage(), null));
        }
        Verdict verdict = judge(username, key, address, () -> lookup(session, address).now(), Instant.now());
        if (verdict.line() == null) {
            if (verdict.reason() != null) {
                certificateRefusals.count(verdict.reason());
            }
            return refuse(session, username, key, address.toString(), verdict);
        }
        AuthorizedKey entry = verdict.line();
        session.setAttribute(AUTHORIZED_KEY, entry);
        // A plain key is the line's own (equal) key object: one parsed key per line, not one per session (an
        // Ed25519 key with its precomputed points is ~3 KB, a tenth of an idle device's heap).
        session.setAttribute(PRESENTED_KEY, verdict.certificate() == null ? entry.key() : key);
        if (verdict.certificate() != null) {
            session.setAttribute(CERTIFICATE, verdict.certificate());
        } else {
            session.removeAttribute(CERTIFICATE);
        }
        log.debug("auth accepted: key {} user '{}' from {} by {} (access {})", entry.fingerprint(), username,
                address, entry.location(), entry.describeAccess());
        return true;
    }

    /**
     * Whether an authenticated session is still admitted with {@code key}, the key or certificate it logged in with
     * ({@link #PRESENTED_KEY}), judged as at login (the first line in file order that admits it), except for a
     * certificate's validity, which is the expiry timer's business, and an unreadable revoked-keys file, which does
     * not disconnect anyone. For re-checking live sessions after a reload; it may wait for a host name lookup like a
     * login does, so call it off the I/O threads.
     */
    public Admission admits(ServerSession session, PublicKey key) {
        IpAddress address = clientAddress(session);
        Verdict verdict = judge(session.getUsername(), key, address,
                () -> lookup(session, address).await(hostNameWait), null);
        return new Admission(verdict.line(), verdict.refusal(), verdict.revoked());
    }

    /** Counts of refused certificates, by reason. */
    public Tally<CertificateRefusal> certificateRefusals() {
        return certificateRefusals;
    }

    /**
     * A certificate whose CA signature MINA found wrong never reaches {@link #authenticate}; it is logged and counted
     * here all the same.
     */
    public void refusedSignature(ServerSession session, String username, OpenSshCertificate certificate,
                                 String problem) {
        certificateRefusals.count(CertificateRefusal.SIGNATURE);
        log.info("auth refused: certificate {} user '{}' from {}: {}", UserCertificate.of(certificate).describe(),
                username, ClientAddress.of(session).getAddress().getHostAddress(), problem);
    }

    /**
     * @param line        the admitting line, or null when refused
     * @param certificate the certificate that was admitted, or null
     * @param refusal     why not, or null
     * @param reason      a certificate's refusal, as counted; null for plain keys
     * @param revoked     whether the refusal comes from the revoked-keys file
     */
    private record Verdict(AuthorizedKey line, UserCertificate certificate, String refusal,
                           CertificateRefusal reason, boolean revoked) {

        Verdict(AuthorizedKey line, UserCertificate certificate, String refusal, CertificateRefusal reason) {
            this(line, certificate, refusal, reason, false);
        }
    }

    /**
     * @param hostNames looks the client's host name up, when a candidate line's from= may need it
     * @param now       when to judge a certificate's validity, or null not to
     */
    private Verdict judge(String username, PublicKey key, IpAddress address,
                          Supplier<HostName> hostNames, Instant now) {
        // An unreadable revoked-keys file refuses logins, but does not disconnect a fleet already connected.
        Optional<String> revoked = now != null ? revokedKeys.revocation(key) : revokedKeys.lastKnownRevocation(key);
        boolean certificate = key instanceof OpenSshCertificate;
        if (revoked.isPresent()) {
            return new Verdict(null, null, revoked.get(), certificate ? CertificateRefusal.REVOKED : null, true);
        }
        if (key instanceof OpenSshCertificate presented) {
            return judgeCertificate(username, presented, address, hostNames, now);
        }
        List<AuthorizedKey> candidates = keys.entriesFor(key);
        if (candidates.isEmpty()) {
            return new Verdict(null, null, "key not in " + DisplayPath.of(keys.file()), null);
        }
        HostName hostName = hostName(candidates, hostNames);
        Optional<AuthorizedKey> admitting = candidates.stream()
                .filter(entry -> entry.allowsFrom(address.toString(), hostName)).findFirst();
        if (admitting.isPresent()) {
            return new Verdict(admitting.get(), null, null, null);
        }
        String lines = candidates.stream().map(AuthorizedKey::location).collect(Collectors.joining(", "));
        return new Verdict(null, null, "from= " + lines + (candidates.size() == 1 ? " does" : " do")
                + " not match " + describe(address, hostName), null);
    }

    /**
     * A certificate is admitted only by cert-authority lines of its CA, never by a line of its own key, as in sshd.
     * The first line in file order that admits it decides; if none does, the first line's refusal is reported.
     */
    private Verdict judgeCertificate(String username, OpenSshCertificate certificate, IpAddress address,
                                     Supplier<HostName> hostNames, Instant now) {
        UserCertificate shown = UserCertificate.of(certificate);
        List<AuthorizedKey> candidates = keys.authoritiesFor(certificate.getCaPubKey());
        if (candidates.isEmpty()) {
            return new Verdict(null, null, "certificate " + shown.describe() + ": its CA is not trusted by a"
                    + " cert-authority line of " + DisplayPath.of(keys.file()), CertificateRefusal.UNTRUSTED_CA);
        }
        HostName hostName = hostName(candidates, hostNames);
        Verdict first = null;
        for (AuthorizedKey line : candidates) {
            Optional<CertificateRules.Refusal> refusal = line.allowsFrom(address.toString(), hostName)
                    ? CertificateRules.check(certificate, line, username, address, now)
                    : Optional.of(new CertificateRules.Refusal(CertificateRefusal.FROM, "from= of " + line.location()
                            + " does not match " + describe(address, hostName)));
            if (refusal.isEmpty()) {
                // Without permit-port-forwarding OpenSSH allows no forwarding; on a relay that is listen and initiate.
                AuthorizedKey granted = shown.forwarding() ? line : line.narrowedTo(EnumSet.of(Access.ADMIN));
                return new Verdict(granted, shown, null, null);
            }
            if (first == null) {
                first = new Verdict(null, null, "certificate " + shown.describe() + " by " + line.location() + ": "
                        + refusal.get().message(), refusal.get().reason());
            }
        }
        return first;
    }

    private HostName hostName(List<AuthorizedKey> candidates, Supplier<HostName> hostNames) {
        return useDns && needsHostName(candidates) ? hostNames.get() : HostName.NONE;
    }

    private static String describe(IpAddress address, HostName hostName) {
        String text = address.toString();
        return hostName.name() != null ? text + " (" + hostName.name() + ")"
                : hostName.unknown() ? text + " (host name not known yet)" : text;
    }

    /** Whether some candidate's from= could need a host name, which is when --use-dns looks one up. */
    private static boolean needsHostName(List<AuthorizedKey> candidates) {
        return candidates.stream().anyMatch(AuthorizedKey::needsHostName);
    }

    private boolean refuse(ServerSession session, String username, PublicKey key, String address, Verdict verdict) {
        // A key accepted earlier in this session but never proven must not linger as the session's identity.
        session.removeAttribute(AUTHORIZED_KEY);
        session.removeAttribute(CERTIFICATE);
        session.removeAttribute(PRESENTED_KEY);
        log.info("auth refused: key {} user '{}' from {}: {}", KeyUtils.getFingerPrint(key), username, address,
                verdict.refusal());
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
     * up, hold the session's reads until it is known (or the wait is over), so that they are judged with it. Once
     * authenticated, MINA's list of the keys the session authenticated with goes: it only refuses a key offered twice
     * during authentication, and kept each session's own parsed key for its life (~3 KB for Ed25519, its
     * precomputed points); {@link #PRESENTED_KEY} is what a reload judges.
     */
    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            session.removeAttribute(UserAuthPublicKey.AUTHENTICATED_KEYS);
            return;
        }
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
                k -> lookups.start(address));
        if (existing.address().equals(address)) {
            return existing;
        }
        HostNameLookup fresh = lookups.start(address);
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
