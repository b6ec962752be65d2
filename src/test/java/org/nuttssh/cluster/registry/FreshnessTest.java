package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FreshnessTest {

    private final Freshness freshness = new Freshness();

    @Test
    void theSameOrANewerVersionIsAdmittedAnOlderOneNot() {
        assertTrue(freshness.admit("k", 5));
        assertTrue(freshness.admit("k", 5), "the same write again, e.g. after a merge");
        assertTrue(freshness.admit("k", 8));
        assertFalse(freshness.admit("k", 5));
    }

    @Test
    void aRemovedKeyAdmitsOnlyANewerVersion() {
        freshness.admit("k", 5);
        freshness.removed("k");

        assertFalse(freshness.admit("k", 5), "the last value, replayed after its removal");
        assertFalse(freshness.admit("k", 4));
        assertTrue(freshness.admit("k", 6), "its owner putting it back as a new write");
    }

    @Test
    void aForgottenKeyAdmitsAnything() {
        freshness.admit("k", 5);
        freshness.forget("k");

        assertTrue(freshness.admit("k", 1));
    }

    @Test
    void onlyTheLatestRemovalsAreRemembered() {
        for (int i = 0; i <= Freshness.REMEMBERED_REMOVALS; i++) {
            freshness.admit("k" + i, 1);
            freshness.removed("k" + i);
        }

        assertTrue(freshness.admit("k0", 1), "the oldest removal was forgotten");
        assertFalse(freshness.admit("k1", 1));
    }
}
