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
        assertTrue(freshness.admit("k", Freshness.NONE, 5));
        assertTrue(freshness.admit("k", 5, 5), "the same write again, e.g. after a merge");
        assertTrue(freshness.admit("k", 5, 8));
        assertFalse(freshness.admit("k", 8, 5));
    }

    @Test
    void aRemovedKeyAdmitsOnlyANewerVersion() {
        freshness.removed("k", NODE, 5);

        assertFalse(freshness.admit("k", Freshness.NONE, 5), "the last value, replayed after its removal");
        assertFalse(freshness.admit("k", Freshness.NONE, 4));
        assertTrue(freshness.admit("k", Freshness.NONE, 6), "its owner putting it back as a new write");
    }

    @Test
    void aRemovalItsOwnerVouchesAgainstIsForgotten() {
        freshness.removed("k", NODE, 5);
        freshness.vouched("k");

        assertTrue(freshness.admit("k", Freshness.NONE, 5));
    }

    /** Its records were purged, not removed by it: after a merge they come back with the versions they had. */
    @Test
    void theRecordsOfANodeThatLeftAreWelcomeBackWithTheirVersions() {
        freshness.removed("gone", NODE, 6);
        freshness.removed("other", OTHER, 7);

        freshness.forgetNode(NODE);

        assertTrue(freshness.admit("gone", Freshness.NONE, 6));
        assertFalse(freshness.admit("other", Freshness.NONE, 7), "another node's removal is still remembered");
    }

    @Test
    void onlyTheLatestRemovalsAreRemembered() {
        for (int i = 0; i <= Freshness.REMEMBERED_REMOVALS; i++) {
            freshness.removed("k" + i, NODE, 1);
        }

        assertTrue(freshness.admit("k0", Freshness.NONE, 1), "the oldest removal was forgotten");
        assertFalse(freshness.admit("k1", Freshness.NONE, 1));
    }
}
