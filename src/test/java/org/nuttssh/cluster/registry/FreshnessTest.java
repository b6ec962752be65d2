package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.NodeId;

class FreshnessTest {

    private static final NodeId NODE = new NodeId("node");
    private static final NodeId OTHER = new NodeId("other");

    private final Freshness freshness = new Freshness();

    @Test
    void theSameOrANewerVersionIsAdmittedAnOlderOneNot() {
        assertTrue(freshness.admit("k", NODE, 5));
        assertTrue(freshness.admit("k", NODE, 5), "the same write again, e.g. after a merge");
        assertTrue(freshness.admit("k", NODE, 8));
        assertFalse(freshness.admit("k", NODE, 5));
    }

    @Test
    void aRemovedKeyAdmitsOnlyANewerVersion() {
        freshness.admit("k", NODE, 5);
        freshness.removed("k");

        assertFalse(freshness.admit("k", NODE, 5), "the last value, replayed after its removal");
        assertFalse(freshness.admit("k", NODE, 4));
        assertTrue(freshness.admit("k", NODE, 6), "its owner putting it back as a new write");
    }

    /** Its records were purged, not removed by it: after a merge they come back with the versions they had. */
    @Test
    void theRecordsOfANodeThatLeftAreWelcomeBackWithTheirVersions() {
        freshness.admit("k", NODE, 5);
        freshness.admit("gone", NODE, 6);
        freshness.removed("gone");
        freshness.admit("other", OTHER, 7);
        freshness.removed("other");

        freshness.forgetNode(NODE);

        assertTrue(freshness.admit("k", NODE, 5));
        assertTrue(freshness.admit("gone", NODE, 6));
        assertFalse(freshness.admit("other", OTHER, 7), "another node's removal is still remembered");
    }

    @Test
    void onlyTheLatestRemovalsAreRemembered() {
        for (int i = 0; i <= Freshness.REMEMBERED_REMOVALS; i++) {
            freshness.admit("k" + i, NODE, 1);
            freshness.removed("k" + i);
        }

        assertTrue(freshness.admit("k0", NODE, 1), "the oldest removal was forgotten");
        assertFalse(freshness.admit("k1", NODE, 1));
    }
}
