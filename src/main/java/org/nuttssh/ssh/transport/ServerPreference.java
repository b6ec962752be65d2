package org.nuttssh.ssh.transport;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.kex.KexProposalOption;

/**
 * Makes the relay, not the client, choose the cipher and MAC. In SSH the client's order decides (RFC 4253 7.1), and
 * stock OpenSSH puts chacha20-poly1305 and AES-CTR before AES-GCM, which MINA runs several times faster
 * (docs/performance.md). Offering each client only the first algorithm of the relay's list that the client has
 * too keeps every client in, with the fastest algorithm each can speak.
 */
final class ServerPreference {

    /** The parts of a proposal whose choice the relay takes over; key exchange and host key stay the client's. */
    static final List<KexProposalOption> CHOSEN_BY_RELAY = List.of(KexProposalOption.C2SENC, KexProposalOption.S2CENC,
            KexProposalOption.C2SMAC, KexProposalOption.S2CMAC);

    private ServerPreference() {
    }

    /** Narrows the relay's proposal, in place, to what it prefers of the client's. */
    static void narrow(Map<KexProposalOption, String> relay, Map<KexProposalOption, String> client) {
        for (KexProposalOption option : CHOSEN_BY_RELAY) {
            relay.computeIfPresent(option, (key, ours) -> firstCommon(ours, client.getOrDefault(key, "")));
        }
    }

    /**
     * The first of our comma-separated names that the client offers too; with none in common, all of ours, so that
     * the negotiation fails as usual, naming both lists.
     */
    static String firstCommon(String ours, String theirs) {
        List<String> offered = Arrays.asList(theirs.split(","));
        return Arrays.stream(ours.split(",")).filter(offered::contains).findFirst().orElse(ours);
    }
}
