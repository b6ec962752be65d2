package org.nuttssh.auth.certificates;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.net.CidrBlock;
import org.nuttssh.net.IpAddress;

/**
 * Whether a user certificate, signed by the CA of a cert-authority line, admits a login, with OpenSSH's meaning
 * (sshd(8), "AUTHORIZED_KEYS FILE FORMAT"; ssh-keygen(1), "CERTIFICATES"). The CA's signature is MINA's to check;
 * everything else is here, so that every refusal has its reason.
 */
public final class CertificateRules {

    /** The one critical option the relay honours; force-command and verify-required it cannot, and says so. */
    static final String SOURCE_ADDRESS = "source-address";

    /** A refused certificate: what the metrics count and what the log says. */
    public record Refusal(CertificateRefusal reason, String message) {
    }

    private CertificateRules() {
    }

    /**
     * @param now when to judge its validity, or null not to (a re-check of a session already logged in: expiry is
     *            the expiry timer's business, and with disconnect-expired-certificates off, OpenSSH's)
     */
    public static Optional<Refusal> check(OpenSshCertificate certificate, AuthorizedKey line, String userName,
                                   IpAddress address, Instant now) {
        if (certificate.getType() != OpenSshCertificate.Type.USER) {
            return refuse(CertificateRefusal.HOST_CERTIFICATE, "a host certificate is not a user certificate");
        }
        if (now != null && !OpenSshCertificate.isValidAt(certificate, now)) {
            return refuse(CertificateRefusal.VALIDITY, "outside its validity ("
                    + UserCertificate.describeTime(certificate.getValidAfter()) + " to "
                    + UserCertificate.describeTime(certificate.getValidBefore()) + ")");
        }
        Collection<String> principals = certificate.getPrincipals();
        if (principals.isEmpty()) {
            return refuse(CertificateRefusal.NO_PRINCIPALS, "it names no principal (sign it with -n NAME)");
        }
        if (line.principals().isEmpty() && !principals.contains(userName)) {
            return refuse(CertificateRefusal.PRINCIPAL, "the user name '" + userName + "' is not one of its principals "
                    + principals);
        }
        if (!line.principals().isEmpty() && principals.stream().noneMatch(line.principals()::contains)) {
            return refuse(CertificateRefusal.PRINCIPAL, "none of its principals " + principals + " is in principals=\""
                    + String.join(",", line.principals()) + "\" of " + line.location());
        }
        for (Map.Entry<String, String> option : certificate.getCriticalOptionsMap().entrySet()) {
            if (!option.getKey().equals(SOURCE_ADDRESS)) {
                return refuse(CertificateRefusal.CRITICAL_OPTION, "critical option '" + option.getKey()
                        + "' cannot be honoured by a relay");
            }
            if (!sourceAllows(option.getValue(), address)) {
                return refuse(CertificateRefusal.SOURCE_ADDRESS, "source-address \"" + option.getValue()
                        + "\" does not match " + address);
            }
        }
        return Optional.empty();
    }

    /** A list of addresses and CIDR blocks, as ssh-keygen's {@code -O source-address=} writes it. */
    private static boolean sourceAllows(String list, IpAddress address) {
        for (String entry : list.split(",", -1)) {
            try {
                if (CidrBlock.parseBlockOrAddress(entry.strip()).contains(address)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                return false; // a list the relay cannot read admits nobody
            }
        }
        return false;
    }

    private static Optional<Refusal> refuse(CertificateRefusal reason, String message) {
        return Optional.of(new Refusal(reason, message));
    }
}
