package org.nuttssh.auth.keys;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.nuttssh.testing.Deadline;
import org.nuttssh.testing.Fuzz;
import org.nuttssh.testing.TestKeys;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * authorized_keys as a careless editor (or a wrong file) leaves it: random text and mutated valid lines. The parser
 * reports each line as a key or as a problem, never throws, and never hangs; a line's own parts throw nothing but
 * {@link MalformedLineException}.
 */
class AuthorizedKeysParserFuzzTest {

    private static final Path FILE = Path.of("authorized_keys");

    @Property(tries = 500)
    void randomTextIsParsedLineByLine(@ForAll("noise") byte[] text) throws Exception {
        parse(text);
    }

    @Property(tries = 2000)
    void mutatedLinesAreParsedLineByLine(@ForAll("mutatedLines") byte[] text) throws Exception {
        parse(text);
    }

    @Property(tries = 2000)
    void aMutatedLineIsAKeyLineOrMalformed(@ForAll("mutatedLines") byte[] text) throws Exception {
        String line = new String(text, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        Fuzz.endsOrRefusesWith(MalformedLineException.class, () -> KeyLine.parse(line));
    }

    private static void parse(byte[] bytes) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        ParseResult result = Deadline.within(Deadline.GENEROUS, () -> AuthorizedKeysParser.parse(FILE, text));
        long lines = text.split("\n", -1).length;
        assertTrue(result.keys().size() + result.malformed().size() <= lines, "at most one outcome per line");
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Fuzz.noise(600);
    }

    @Provide
    Arbitrary<byte[]> mutatedLines() {
        String ed = TestKeys.line("ed25519");
        List<String> lines = List.of(
                "access=\"listen\",access=\"initiate\" " + ed,
                "from=\"10.0.0.0/8,!10.0.0.1,*.example.org\",access=\"initiate\" " + ed,
                "hostname=\"gw-office\",alias=\"printer\",names=\"gw-*,printer?\",access=\"listen\" " + ed,
                "permitopen=\"gw1:22,gw2:*\",permitlisten=\"22,localhost:80,[::1]:*\",access=\"listen\" " + ed,
                "command=\"echo \\\"a, b\\\"\",no-pty,restrict " + TestKeys.line("rsa"),
                TestKeys.line("ecdsa256"));
        return Fuzz.mutationsOf(lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList());
    }
}
