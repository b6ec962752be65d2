package org.nuttssh.ssh.transport;

import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.Session;
import org.nuttssh.admin.Caller;

/** The cipher and MAC a session runs, for {@code whoami}. */
public final class NegotiatedTransport {

    private NegotiatedTransport() {
    }

    public static Caller.Transport of(Session session) {
        String cipher = both(session, KexProposalOption.C2SENC, KexProposalOption.S2CENC);
        // With an AEAD cipher no MAC is negotiated; MINA then records a placeholder that names no MAC.
        String mac = both(session, KexProposalOption.C2SMAC, KexProposalOption.S2CMAC);
        return new Caller.Transport(cipher, BuiltinMacs.fromFactoryName(mac.split(",")[0]) == null ? "" : mac);
    }

    /** One name when both directions agree, as the relay's choice makes them for every client we know. */
    private static String both(Session session, KexProposalOption toServer, KexProposalOption toClient) {
        String up = session.getNegotiatedKexParameter(toServer);
        String down = session.getNegotiatedKexParameter(toClient);
        return up.equals(down) ? up : up + "," + down;
    }
}
