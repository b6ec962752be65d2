package org.nuttssh.auth.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nuttssh.auth.dns.HostName;
import org.nuttssh.auth.patterns.HostPatternList;
import org.nuttssh.testing.TestKeys;

class AuthorizedKeysParserTest {
    private static final Path FILE = Path.of("keys");

    private static ParseResult parse(String text) {
        return AuthorizedKeysParser.parse(FILE, text);
    }

    private static AuthorizedKey single(String line) {
        ParseResult result = parse(line);
        assertEquals(List.of(), result.malformed(), "malformed: " + line);
        assertEquals(1, result.keys().size(), line);
        return result.keys().get(0);
    }

    static Stream<Arguments> keyTypes() {
        return Stream.of(
                Arguments.of("ed25519", "ssh-ed25519"),
                Arguments.of("rsa", "ssh-rsa"),
                Arguments.of("ecdsa256", "ecdsa-sha2-nistp256"),
                Arguments.of("ecdsa384", "ecdsa-sha2-nistp384"),
                Arguments.of("ecdsa521", "ecdsa-sha2-nistp521"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("keyTypes")
    void parsesEveryKeyTypeWithAndWithoutOptions(String name, String type) {
        AuthorizedKey bare = single(TestKeys.line(name));
        assertEquals(type, KeyUtils.getKeyType(bare.key()));
        assertTrue(KeyUtils.compareKeys(TestKeys.key(name), bare.key()));
        assertEquals(KeyUtils.getFingerPrint(TestKeys.key(name)), bare.fingerprint());
        assertTrue(bare.fingerprint().startsWith("SHA256:"), bare.fingerprint());
        assertEquals(name + "@test", bare.comment());
        assertEquals(Set.of(), bare.access());
        assertEquals(1, bare.line());
        assertEquals(FILE, bare.file());

        AuthorizedKey withOptions = single("access=\"listen\" " + TestKeys.line(name));
        assertEquals(Set.of(Access.LISTEN), withOptions.access());
        assertTrue(KeyUtils.compareKeys(bare.key(), withOptions.key()));
    }

    /** Columns: options, access, from lists, hostname, aliases, warnings. */
    static Stream<Arguments> validOptions() {
        return Stream.of(
                Arguments.of("", "none", List.of(), null, List.of(),
                        List.of("./keys:1: key has no access= option; it may log in but can do nothing")),
                Arguments.of("access=\"listen\",access=\"initiate\"", "listen,initiate", List.of(), null, List.of(),
                        List.of()),
                Arguments.of("access=\"initiate\",access=\"listen\"", "listen,initiate", List.of(), null, List.of(),
                        List.of()),
                Arguments.of("access=\"listen,initiate\"", "listen,initiate", List.of(), null, List.of(), List.of()),
                Arguments.of("ACCESS=\"Listen\"", "listen", List.of(), null, List.of(), List.of()),
                Arguments.of("access=\"admin\",access=\"listen\"", "listen,admin", List.of(), null, List.of(),
                        List.of()),
                Arguments.of("access=\"ADMIN\"", "admin", List.of(), null, List.of(), List.of()),
                Arguments.of("access=\"root\",access=\"listen\"", "listen", List.of(), null, List.of(),
                        List.of("./keys:1: unknown access level 'root' ignored")),
                Arguments.of("access=\"foo\"", "none", List.of(), null, List.of(),
                        List.of("./keys:1: unknown access level 'foo' ignored",
                                "./keys:1: key has no known access level; it may log in but can do nothing")),
                Arguments.of("from=\"10.0.0.0/8, 192.168.1.1\",access=\"initiate\"", "initiate",
                        List.of("10.0.0.0/8, 192.168.1.1"), null, List.of(), List.of()),
                Arguments.of("from=\"10.0.0.0/8\",from=\"!10.0.0.1\",access=\"listen\"", "listen",
                        List.of("10.0.0.0/8", "!10.0.0.1"), null, List.of(), List.of()),
                Arguments.of("hostname=\"build-1\",alias=\"ci\",alias=\"ci.main\",access=\"listen\"", "listen",
                        List.of(), "build-1", List.of("ci", "ci.main"), List.of()),
                Arguments.of("no-pty,access=\"listen\",permitopen=\"host:22\"", "listen", List.of(), null, List.of(),
                        List.of(notApplying("no-pty"))),
                Arguments.of("command=\"echo \\\"a, b\\\" c\",access=\"listen\"", "listen", List.of(), null,
                        List.of(), List.of(notApplying("command"))),
                Arguments.of("restrict,No-Port-Forwarding,environment=\"A=b\",access=\"initiate\"", "initiate",
                        List.of(), null, List.of(), List.of(notApplying("restrict"),
                                notApplying("No-Port-Forwarding"), notApplying("environment"))));
    }

    private static String notApplying(String option) {
        return "./keys:1: option '" + option + "' does not apply to a relay; ignored (access=, permitopen= and"
                + " permitlisten= decide what a key may do)";
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validOptions")
    void parsesOptions(String options, String access, List<String> from, String hostname, List<String> aliases,
                       List<String> warnings) {
        String line = (options.isEmpty() ? "" : options + " ") + TestKeys.line("ed25519");
        ParseResult result = parse(line);
        assertEquals(List.of(), result.malformed());
        AuthorizedKey key = result.keys().get(0);
        assertEquals(access, key.describeAccess());
        assertEquals(from, key.from().stream().map(HostPatternList::toString).toList());
        assertEquals(hostname, key.hostname());
        assertEquals(aliases, key.aliases());
        assertEquals(warnings, result.warnings().stream().map(LineProblem::message).toList());
        assertEquals("ed25519@test", key.comment());
    }

    @Test
    void repeatedFromListsMustAllMatch() {
        AuthorizedKey key = single("from=\"10.0.0.0/8\",from=\"10.1.0.0/16,192.168.0.0/16\",access=\"listen\" "
                + TestKeys.line("ed25519"));
        assertTrue(key.allowsFrom("10.1.2.3", HostName.NONE));
        assertEquals(false, key.allowsFrom("10.2.0.1", HostName.NONE));
        assertEquals(false, key.allowsFrom("192.168.1.1", HostName.NONE));
    }

    @Test
    void escapedQuoteIsPartOfTheValue() {
        ParseResult result = parse("alias=\"a\\\"b\",access=\"listen\" " + TestKeys.line("ed25519"));
        assertEquals("alias=\"a\"b\": the name has '\"' at position 2; a name is 1-253 bytes of letters, digits,"
                + " '-', '_' and '.'", result.malformed().get(0).reason());
    }

    @Test
    void namesAndPermitsAreKept() {
        AuthorizedKey key = single("names=\"gw-*\",names=\"office?\",permitopen=\"gw1:22,gw2:*\","
                + "permitlisten=\"22,localhost:80,[::1]:*\",access=\"listen\",access=\"initiate\" "
                + TestKeys.line("ed25519"));
        Permits permits = key.permits();
        assertEquals(List.of("gw-*", "office?"), permits.names());
        assertTrue(permits.mayListenAs("gw-7") && permits.mayListenAs("office2"));
        assertTrue(permits.mayListenAs("GW-7") && permits.mayListenAs("Office2"), "names are case-insensitive");
        assertFalse(permits.mayListenAs("office") || permits.mayListenAs("gw"), "patterns match whole names");
        assertTrue(permits.mayOpen("gw1", 22) && permits.mayOpen("gw2", 8080));
        assertTrue(permits.mayOpen("GW1", 22) && permits.mayOpen("Gw2", 8080), "names are case-insensitive");
        assertFalse(permits.mayOpen("gw1", 80) || permits.mayOpen("gw3", 22));
        assertTrue(permits.mayListen("localhost", 22) && permits.mayListen("", 22), "a bare port: any bind host");
        assertTrue(permits.mayListen("LOCALHOST", 80) && permits.mayListen("::1", 9));
        assertFalse(permits.mayListen("0.0.0.0", 80) || permits.mayListen("127.0.0.1", 23));
        assertEquals("permitlisten=\"22,localhost:80,[::1]:*\"", permits.describeListen());
        assertEquals("permitopen=\"gw1:22,gw2:*\"", permits.describeOpen());
    }

    @Test
    void certAuthorityLinesKeepTheirPrincipals() {
        AuthorizedKey ca = single("cert-authority,principals=\"gw-0042,ops\",names=\"gw-*\",access=\"listen\" "
                + TestKeys.line("ed25519"));
        assertTrue(ca.certAuthority());
        assertEquals(List.of("gw-0042", "ops"), ca.principals());
        AuthorizedKey plain = single("access=\"listen\" " + TestKeys.line("ed25519"));
        assertFalse(plain.certAuthority());
        assertEquals(List.of(), plain.principals());
    }

    @Test
    void withoutNamesOrPermitsEverythingIsAllowed() {
        Permits permits = single("access=\"listen\" " + TestKeys.line("ed25519")).permits();
        assertTrue(permits.mayListenAs("anything") && permits.mayOpen("gw1", 1) && permits.mayListen("x", 65535));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({"form,from,true", "acess,access,true", "alais,alias,true", "fromm,from,true", "frm,from,true",
            "frum,from,true", "from,from,false", "names,access,false", "fr,from,false"})
    void typosAreRecognised(String typed, String known, boolean close) {
        assertEquals(close, AuthorizedKeysParser.closeTo(typed, known));
    }

    static Stream<Arguments> malformedLines() {
        String ed = TestKeys.bare("ed25519");
        String data = TestKeys.base64("ed25519");
        return Stream.of(
                Arguments.of("ssh-ed25519 AAAA!!!notbase64", "invalid ssh-ed25519 key data"),
                Arguments.of("ssh-ed25519 " + data.substring(0, 24), "invalid ssh-ed25519 key data"),
                Arguments.of("ssh-rsa " + data, "ssh-rsa"),
                Arguments.of("ssh-ed25519", "no key data after 'ssh-ed25519'"),
                Arguments.of("access=\"listen " + ed, "unterminated quote in option 'access' (opened at column 8)"),
                Arguments.of("access=listen " + ed, "value of option 'access' must be in double quotes"),
                Arguments.of("access=\"listen\"x " + ed, "unexpected 'x' at column 16 after option 'access'"),
                Arguments.of("access=\"listen\",," + ed, "expected an option name or a key type at column 17"),
                Arguments.of("access=\"listen\"", "options but no key after them"),
                Arguments.of("access=\"listen\" frobnicate " + data, "expected a key type"),
                Arguments.of("from " + ed, "option 'from' needs a value"),
                Arguments.of("from=\"10.0.0.0/33\" " + ed,
                        "from=\"10.0.0.0/33\": invalid CIDR '10.0.0.0/33': prefix length '33' must be a number"
                                + " from 0 to 32"),
                Arguments.of("from=\"1.2.3.4/x\" " + ed, "from=\"1.2.3.4/x\": invalid CIDR '1.2.3.4/x'"),
                Arguments.of("from=\"10.0.0.1/8\" " + ed, "bits set beyond the /8 prefix"),
                Arguments.of("from=\"10.0.0.300\" " + ed, "invalid address '10.0.0.300'"),
                Arguments.of("from=\"\" " + ed, "from=\"\": empty pattern list"),
                Arguments.of("hostname=\"\" " + ed, "hostname=\"\": the name is empty"),
                Arguments.of("hostname=\"a\",hostname=\"b\" " + ed, "hostname= given twice (\"a\" and \"b\")"),
                Arguments.of("alias=\"a b\" " + ed, "alias=\"a b\": the name has U+0020 at position 2; a name is"
                        + " 1-253 bytes of letters, digits, '-', '_' and '.'"),
                Arguments.of("alias=\"~a\" " + ed, "the name has '~' at position 1"),
                Arguments.of("hostname=\"a:1\" " + ed, "the name has ':' at position 2"),
                Arguments.of("alias=\"a/b\" " + ed, "the name has '/' at position 2"),
                Arguments.of("alias=\"a\u001b[2J\" " + ed, "the name has U+001B at position 2"),
                Arguments.of("hostname=\"" + "a".repeat(254) + "\" " + ed, "the name is 254 bytes long"),
                Arguments.of("alias=\"gr\u00fcn\" " + ed, "the name has U+00FC at position 3"),
                Arguments.of("form=\"10.0.0.0/8\",access=\"listen\" " + ed,
                        "unknown option 'form' (did you mean 'from'?); options are access, from, hostname, alias,"
                                + " names, permitopen, permitlisten, cert-authority, principals, and OpenSSH's, which do"
                                + " not apply here"),
                Arguments.of("acess=\"listen\" " + ed, "unknown option 'acess' (did you mean 'access'?)"),
                Arguments.of("frobnicate,access=\"listen\" " + ed, "unknown option 'frobnicate'; options are"),
                Arguments.of("expiry-time=\"20250101\",access=\"listen\" " + ed,
                        "option 'expiry-time' is not supported: the relay cannot enforce it"),
                Arguments.of("cert-authority,hostname=\"gw1\" " + ed,
                        "hostname= and alias= cannot be used with cert-authority"),
                Arguments.of("cert-authority,alias=\"gw1\" " + ed, "cannot be used with cert-authority"),
                Arguments.of("cert-authority=\"yes\" " + ed, "option 'cert-authority' takes no value"),
                Arguments.of("principals=\"gw1\" " + ed, "principals= applies only to cert-authority lines"),
                Arguments.of("cert-authority,principals=\"gw1,,gw2\" " + ed, "an empty principal"),
                Arguments.of("cert-authority,principals " + ed, "option 'principals' needs a value"),
                Arguments.of("principal=\"gw1\" " + ed, "unknown option 'principal' (did you mean 'principals'?)"),
                Arguments.of("names=\"gw-*,\" " + ed, "names=\"gw-*,\": '' is not a name pattern"),
                Arguments.of("names=\"gw 1\" " + ed, "names=\"gw 1\": 'gw 1' is not a name pattern"),
                Arguments.of("names=\"gw-*\",hostname=\"office\" " + ed,
                        "the line gives the name 'office', which its names=\"gw-*\" does not allow"),
                Arguments.of("names=\"gw-*\",hostname=\"gw-1\",alias=\"x\" " + ed, "gives the name 'x'"),
                Arguments.of("hostname=\"GW-1\",alias=\"gw-1\" " + ed, "alias=\"gw-1\" differs only in case from"
                        + " hostname=\"GW-1\" on the same line; names are case-insensitive, so write a name the same"
                        + " way wherever it is given"),
                Arguments.of("alias=\"Office\",alias=\"office\" " + ed,
                        "alias=\"office\" differs only in case from alias=\"Office\" on the same line"),
                Arguments.of("permitopen=\"gw1\" " + ed, "permitopen=\"gw1\": 'gw1' has no port"),
                Arguments.of("permitopen=\"gw1:0\" " + ed, "port '0' is not 1-65535 or *"),
                Arguments.of("permitopen=\"*:22\" " + ed, "the name '*' has '*' at position 1"),
                Arguments.of("permitopen=\"gw1~1:22\" " + ed, "the name 'gw1~1' has '~'"),
                Arguments.of("permitopen=\"gw1:22,,gw2:22\" " + ed, "empty entry"),
                Arguments.of("permitlisten=\"70000\" " + ed, "port '70000' is not 1-65535 or *"),
                Arguments.of("permitlisten=\"a b:22\" " + ed, "'a b:22' is not [HOST:]PORT"),
                Arguments.of("permitlisten " + ed, "option 'permitlisten' needs a value"),
                Arguments.of("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "key type 'ssh-dss' is not supported"),
                Arguments.of("sk-ssh-ed25519@openssh.com AAAA", "key type 'sk-ssh-ed25519@openssh.com' is not"),
                Arguments.of("ssh-ed25519-cert-v01@openssh.com AAAA", "certificates"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedLines")
    void skipsMalformedLineWithReasonAndKeepsOthers(String bad, String reason) {
        String text = "# header\n" + TestKeys.line("rsa") + "\n" + bad + "\n" + TestKeys.line("ed25519") + "\n";
        ParseResult result = parse(text);
        assertEquals(1, result.malformed().size(), () -> "expected one malformed line, got " + result.malformed());
        LineProblem problem = result.malformed().get(0);
        assertEquals(3, problem.line());
        assertTrue(problem.message().startsWith("./keys:3: "), problem.message());
        assertTrue(problem.reason().contains(reason), () -> "'" + problem.reason() + "' lacks '" + reason + "'");
        assertEquals(List.of(2, 4), result.keys().stream().map(AuthorizedKey::line).toList());
    }

    @Test
    void commentsBlankLinesAndCrlfAreTolerated() {
        String text = "\uFEFF# comment\r\n"
                + "\r\n"
                + "   \t\r\n"
                + "  # indented comment\r\n"
                + "access=\"listen\" " + TestKeys.line("ed25519") + "\r\n"
                + "ssh-ed25519 broken!\r\n"
                + TestKeys.bare("ecdsa256") + "\r\n"
                + "\taccess=\"initiate\" " + TestKeys.line("ed25519");
        ParseResult result = parse(text);
        assertEquals(List.of(5, 7, 8), result.keys().stream().map(AuthorizedKey::line).toList());
        assertEquals(List.of(6), result.malformed().stream().map(LineProblem::line).toList());
        assertEquals("ed25519@test", result.keys().get(0).comment());
        assertEquals("", result.keys().get(1).comment());
        assertEquals(List.of("./keys:7: key has no access= option; it may log in but can do nothing"),
                result.warnings().stream().map(LineProblem::message).toList());
    }

    @Test
    void sameKeyOnSeveralLinesKeepsAllInFileOrder() {
        String key = TestKeys.line("ed25519");
        ParseResult result = parse("from=\"10.0.0.0/8\",access=\"listen\" " + key + "\n"
                + TestKeys.line("rsa") + "\n"
                + "access=\"initiate\" " + key + "\n");
        List<AuthorizedKey> keys = result.keys();
        assertEquals(3, keys.size());
        assertEquals("listen", keys.get(0).describeAccess());
        assertEquals("initiate", keys.get(2).describeAccess());
        assertEquals(3, keys.get(2).line());
    }

    @Test
    void linesGivingOneNameInTwoCasesAreAnErrorNamingBoth() {
        ParseResult result = parse("access=\"listen\",hostname=\"GW-Office\",alias=\"printer\" "
                + TestKeys.line("ed25519") + "\n"
                + "access=\"listen\",alias=\"gw-office\" " + TestKeys.line("rsa") + "\n"
                + "access=\"listen\",alias=\"GW-Office\" " + TestKeys.line("ecdsa256") + "\n"
                + "access=\"listen\",hostname=\"Printer\" " + TestKeys.line("ed25519-b") + "\n");

        assertEquals(List.of(1, 3), result.keys().stream().map(AuthorizedKey::line).toList(),
                "the same spelling on two lines is shared, as before");
        assertEquals(List.of("./keys:2: alias=\"gw-office\" differs only in case from hostname=\"GW-Office\" of"
                        + " ./keys:1; names are case-insensitive, so write a name the same way wherever it is given",
                "./keys:4: hostname=\"Printer\" differs only in case from alias=\"printer\" of ./keys:1; names are"
                        + " case-insensitive, so write a name the same way wherever it is given"),
                result.malformed().stream().map(LineProblem::message).toList());
    }

    @Test
    void emptyTextHasNothing() {
        ParseResult result = parse("\n# only a comment\n\n");
        assertEquals(List.of(), result.keys());
        assertEquals(List.of(), result.malformed());
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void multiWordCommentIsKept() {
        AuthorizedKey key = single(TestKeys.bare("ed25519") + "  alice's laptop  (2024)");
        assertEquals("alice's laptop  (2024)", key.comment());
        assertNull(key.hostname());
    }
}
