package org.nuttssh.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.auth.keys.AuthorizedKey;
import org.nuttssh.auth.keys.AuthorizedKeys;
import org.nuttssh.auth.keys.AuthorizedKeysException;
import org.nuttssh.testing.TestKeys;

/** Who may listen under which name: reserved by hostname= and alias=, granted by a CA's names=, in any case. */
class NameOwnershipTest {

    @TempDir
    Path dir;

    private List<AuthorizedKey> lines;

    private NameOwnership ownership(boolean reservedNames, String... text) throws IOException,
            AuthorizedKeysException {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, String.join("\n", text) + "\n");
        AuthorizedKeys keys = AuthorizedKeys.load(file);
        lines = keys.entries();
        return new NameOwnership(keys, reservedNames);
    }

    private AuthorizedKey line(int number) {
        return lines.stream().filter(line -> line.line() == number).findFirst().orElseThrow();
    }

    @Test
    void aNameReservedInOneCaseIsReservedInEvery() throws Exception {
        NameOwnership names = ownership(true,
                "access=\"listen\",hostname=\"GW-Office\" " + TestKeys.line("ed25519"),
                "access=\"listen\" " + TestKeys.line("ed25519-b"),
                "access=\"listen\",alias=\"Printer\" " + TestKeys.line("ed25519-c"));

        for (String name : List.of("gw-office", "GW-OFFICE", "GW-Office")) {
            assertEquals(Optional.of("the name '" + name + "' belongs to the key of " + dir.resolve("authorized_keys")
                    + ":1 (hostname=/alias=; reserved-names)"), names.refusal(name, line(2)));
        }
        assertTrue(names.refusal("printer", line(2)).orElseThrow().contains(":3 (hostname=/alias="));
        assertEquals(Optional.empty(), names.refusal("PRINTER", line(3)), "a line's own name, in any case");
        assertEquals(Optional.empty(), names.refusal("laptop", line(2)));
    }

    @Test
    void namesPatternsMatchInAnyCase() throws Exception {
        NameOwnership names = ownership(true, "access=\"listen\",names=\"gw-*\" " + TestKeys.line("ed25519"));

        assertEquals(Optional.empty(), names.refusal("GW-7", line(1)));
        assertTrue(names.refusal("office", line(1)).orElseThrow().contains("is not allowed by names=\"gw-*\""));
    }

    @Test
    void aCertAuthorityLinesNamesBelongToItsCertificates() throws Exception {
        String ca = TestKeys.line("ed25519");
        NameOwnership names = ownership(true,
                "cert-authority,access=\"listen\",names=\"gw-*\" " + ca,
                "cert-authority,access=\"initiate\",access=\"listen\",principals=\"ops\" " + ca,
                "access=\"listen\" " + TestKeys.line("ed25519-b"),
                "cert-authority,access=\"listen\" " + TestKeys.line("ed25519-c"),
                "cert-authority,access=\"initiate\",names=\"ops-*\" " + TestKeys.line("rsa"));

        for (String name : List.of("gw-0042", "GW-0042")) {
            assertEquals(Optional.of("the name '" + name + "' belongs to the certificates of the CA of "
                    + dir.resolve("authorized_keys") + ":1 names=\"gw-*\" (cert-authority names=; reserved-names)"),
                    names.refusal(name, line(3)), "a plain key");
        }
        assertTrue(names.refusal("gw-0042", line(4)).isPresent(), "a certificate of another CA");
        assertEquals(Optional.empty(), names.refusal("gw-0042", line(1)));
        assertEquals(Optional.empty(), names.refusal("gw-0042", line(2)), "another line of the same CA");
        assertEquals(Optional.empty(), names.refusal("office", line(3)), "what the CA does not grant stays free");
        assertEquals(Optional.empty(), names.refusal("ops-1", line(3)),
                "a CA line that may not listen grants no name to listen under");
        assertEquals(Optional.empty(), names.refusal("anything", line(3)),
                "a CA line without names= claims nothing for its certificates alone");
    }

    @Test
    void withoutReservedNamesOnlyTheLinesOwnRulesApply() throws Exception {
        NameOwnership names = ownership(false,
                "cert-authority,access=\"listen\",names=\"gw-*\" " + TestKeys.line("ed25519"),
                "access=\"listen\",hostname=\"GW-Office\" " + TestKeys.line("ed25519-b"),
                "access=\"listen\" " + TestKeys.line("ed25519-c"));

        assertEquals(Optional.empty(), names.refusal("gw-0042", line(3)));
        assertEquals(Optional.empty(), names.refusal("gw-office", line(3)));
    }
}
