package org.nuttssh.cluster.membership;

/** Why a member's proof of identity was refused, or a proven node's taken back: the metrics' reasons. */
public enum ProofRefusal {
    /** Its certificate is not the cluster CA's, not valid now, or a CA's. */
    UNTRUSTED("untrusted"),
    /** Its certificate is on the CA's revocation list, when the proof arrived or once the list changed. */
    REVOKED("revoked"),
    /** A signature in it is not for this member: a proof copied from another member, or a field changed. */
    SIGNATURE("signature"),
    /** The id is not one its certificate proves, or another member proved it already. */
    ID("id"),
    /** Not a proof at all: a stranger's value, or a damaged one. */
    MALFORMED("malformed");

    private final String label;

    ProofRefusal(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
