package org.nuttssh.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrintableTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            gw\\n2026 INFO FORGED        | gw\\x0a2026 INFO FORGED
            a\\u001b[2Jb                 | a\\x1b[2Jb
            tab\\there\\r                | tab\\x09here\\x0d
            nul\\u0000 del\\u007f c1\\u0085 | nul\\x00 del\\x7f c1\\x85
            bidi\\u202eevil\\u2028line    | bidi\\u202eevil\\u2028line
            grün ö €                     | grün ö €
            """)
    void controlAndInvisibleCharactersAreEscaped(String javaEscaped, String expected) {
        assertEquals(expected, Printable.escape(unescape(javaEscaped)));
    }

    @Test
    void textWithNothingToEscapeIsTheSameString() {
        String name = "gw-office.example_1 \\ 'quoted'";
        assertSame(name, Printable.escape(name));
        assertNull(Printable.escape(null));
    }

    /** The table above writes control characters the way Java source does. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
            } else if (text.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(switch (text.charAt(++i)) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> throw new IllegalArgumentException(text);
                });
            }
        }
        return out.toString();
    }
}
