package org.nuttssh.ssh.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;

import org.apache.sshd.common.kex.KexProposalOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerPreferenceTest {

    private static final String RELAY = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
            + "aes128-ctr,aes192-ctr,aes256-ctr";

    /** The clients' own lists, as each sends them by default. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "OpenSSH 9.2 | chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
                + "aes256-gcm@openssh.com | aes128-gcm@openssh.com",
        "dropbear 2022.83 | chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr | chacha20-poly1305@openssh.com",
        "paramiko 2.12 | aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc | aes128-ctr",
        "AES-256 only | aes256-gcm@openssh.com | aes256-gcm@openssh.com",
        "nothing in common | 3des-cbc,blowfish-cbc | " + RELAY,
        "empty | '' | " + RELAY,
    })
    void offersTheRelaysFirstChoiceAmongTheClients(String client, String theirs, String offered) {
        assertEquals(offered, ServerPreference.firstCommon(RELAY, theirs), client);
    }

    @Test
    void narrowsCiphersAndMacsInBothDirectionsAndLeavesKeyExchangeToTheClient() {
        Map<KexProposalOption, String> relay = new EnumMap<>(KexProposalOption.class);
        relay.put(KexProposalOption.ALGORITHMS, "curve25519-sha256,ecdh-sha2-nistp256");
        relay.put(KexProposalOption.C2SENC, RELAY);
        relay.put(KexProposalOption.S2CENC, RELAY);
        relay.put(KexProposalOption.C2SMAC, "hmac-sha2-256-etm@openssh.com,hmac-sha2-256");
        relay.put(KexProposalOption.S2CMAC, "hmac-sha2-256-etm@openssh.com,hmac-sha2-256");
        Map<KexProposalOption, String> client = new EnumMap<>(KexProposalOption.class);
        client.put(KexProposalOption.ALGORITHMS, "ecdh-sha2-nistp256,curve25519-sha256");
        client.put(KexProposalOption.C2SENC, "aes256-ctr,aes128-ctr");
        client.put(KexProposalOption.S2CENC, "aes256-ctr");
        client.put(KexProposalOption.C2SMAC, "hmac-sha1,hmac-sha2-256");
        client.put(KexProposalOption.S2CMAC, "hmac-sha2-256,hmac-sha2-256-etm@openssh.com");

        ServerPreference.narrow(relay, client);

        assertEquals("curve25519-sha256,ecdh-sha2-nistp256", relay.get(KexProposalOption.ALGORITHMS));
        assertEquals("aes128-ctr", relay.get(KexProposalOption.C2SENC));
        assertEquals("aes256-ctr", relay.get(KexProposalOption.S2CENC));
        assertEquals("hmac-sha2-256", relay.get(KexProposalOption.C2SMAC));
        assertEquals("hmac-sha2-256-etm@openssh.com", relay.get(KexProposalOption.S2CMAC));
    }
}
