package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.NodeId;

class SuspicionsTest {

    private static final NodeId NODE = new NodeId("node");
    private static final SliceDigest ONE = SliceDigest.EMPTY.plus(1);
    private static final SliceDigest TWO = SliceDigest.EMPTY.plus(2);
    private static final SliceDigest THREE = SliceDigest.EMPTY.plus(3);

    private final Suspicions suspicions = new Suspicions();

    @Test
    void aSliceInStepIsNeverRead() {
        for (int i = 0; i < 10; i++) {
            assertFalse(suspicions.confirm(NODE, ONE, ONE));
        }
    }

    @Test
    void aDifferenceIsConfirmedByTheNextCheckUnderTheSameReference() {
        assertFalse(suspicions.confirm(NODE, ONE, TWO), "writes may be in flight");
        assertTrue(suspicions.confirm(NODE, ONE, TWO));
        assertFalse(suspicions.confirm(NODE, ONE, TWO), "read once: the next difference starts over");
    }

    @Test
    void aDifferenceThatHealedStartsOver() {
        assertFalse(suspicions.confirm(NODE, ONE, TWO));
        assertFalse(suspicions.confirm(NODE, ONE, ONE));
        assertFalse(suspicions.confirm(NODE, ONE, TWO));
    }

    @Test
    void aReferenceThatKeepsChangingIsReadAfterTheRestlessLimit() {
        SliceDigest[] references = {ONE, THREE};
        int checks = 0;
        boolean read = false;
        while (!read) {
            read = suspicions.confirm(NODE, references[checks % 2], TWO);
            checks++;
        }
        assertTrue(checks == Suspicions.RESTLESS_CHECKS, "read at check " + checks);
    }

    @Test
    void nodesAreSuspectedApart() {
        NodeId other = new NodeId("other");
        assertFalse(suspicions.confirm(NODE, ONE, TWO));
        assertFalse(suspicions.confirm(other, ONE, TWO));
        assertTrue(suspicions.confirm(NODE, ONE, TWO));
        suspicions.forget(other);
        assertFalse(suspicions.confirm(other, ONE, TWO), "forgotten: a first difference again");
    }
}
