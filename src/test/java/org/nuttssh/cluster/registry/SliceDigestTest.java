package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SliceDigestTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theOrderOfChangesDoesNotMatterAndARemovalUndoesItsPut() {
        long a = SliceDigest.hash("n@a", bytes("one"));
        long b = SliceDigest.hash("n@b", bytes("two"));

        assertEquals(SliceDigest.EMPTY.plus(a).plus(b), SliceDigest.EMPTY.plus(b).plus(a));
        assertEquals(SliceDigest.EMPTY.plus(a), SliceDigest.EMPTY.plus(a).plus(b).minus(b));
        assertEquals(SliceDigest.EMPTY.plus(a).plus(b), SliceDigest.EMPTY.plus(a).combine(SliceDigest.EMPTY.plus(b)));
    }

    @Test
    void anotherValueOrKeyHashesOtherwise() {
        assertNotEquals(SliceDigest.hash("n@a", bytes("one")), SliceDigest.hash("n@a", bytes("onf")));
        assertNotEquals(SliceDigest.hash("n@a", bytes("one")), SliceDigest.hash("n@b", bytes("one")));
        // The separator keeps the key and the value apart: "n@a" + "bc" is not "n@ab" + "c".
        assertNotEquals(SliceDigest.hash("n@a", bytes("bc")), SliceDigest.hash("n@ab", bytes("c")));
    }

    @Test
    void aSliceAsReadSumsLikeItsEntries() {
        Map<String, byte[]> slice = new LinkedHashMap<>();
        slice.put("n@a", bytes("one"));
        slice.put("n@b", bytes("two"));

        assertEquals(SliceDigest.EMPTY.plus(SliceDigest.hash("n@a", bytes("one")))
                .plus(SliceDigest.hash("n@b", bytes("two"))), SliceDigest.of(slice));
    }

    @Test
    void theBytesRoundTripAndAnythingElseIsRefused() {
        SliceDigest digest = new SliceDigest(7, -3);

        assertEquals(digest, SliceDigest.fromBytes(digest.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> SliceDigest.fromBytes(new byte[5]));
    }
}
