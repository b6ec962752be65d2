package org.nuttssh.cluster.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nuttssh.registry.ListenerRecord;
import org.nuttssh.registry.NodeId;
import org.nuttssh.testing.Records;

/** What a holder of the map but not of the secret can do to a sealed record: nothing that opens. */
class SealedRecordsTest {

    private static final NodeId NODE_A = new NodeId("11111111-1111-1111-1111-111111111111");
    private static final NodeId NODE_B = new NodeId("22222222-2222-2222-2222-222222222222");
    private static final String KEY_A1 = RecordKey.of("a-1", NODE_A);

    private final SealedRecords codec = new SealedRecords(key(1));

    private static SealingKey key(int fill) {
        byte[] bytes = new byte[SealingKey.BYTES];
        Arrays.fill(bytes, (byte) fill);
        return new SealingKey(bytes);
    }

    private static ListenerRecord record(String id, NodeId node, String name) {
        return Records.listener(id, node, name).aliases(List.of("alias"))
                .connectedAt(Instant.ofEpochMilli(1_700_000_000_000L)).sequence(7).build();
    }

    @Test
    void aSealedRecordOpensUnderItsKeyWithItsVersion() {
        ListenerRecord record = record("a-1", NODE_A, "gw");

        assertEquals(Optional.of(new VersionedRecord(record, 42)), codec.decode(KEY_A1, codec.encode(record, 42)));
    }

    /** A thread's cipher is used again for every value: a refused one, or a seal, leaves it fit for the next. */
    @Test
    void aRefusedValueLeavesTheNextOpening() {
        ListenerRecord record = record("a-1", NODE_A, "gw");
        byte[] sealed = codec.encode(record, 3);
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 0x01;

        for (int round = 0; round < 3; round++) {
            assertEquals(Optional.empty(), codec.decode(KEY_A1, tampered));
            assertEquals(Optional.of(new VersionedRecord(record, 3)), codec.decode(KEY_A1, sealed));
            byte[] again = codec.encode(record, 3);
            assertEquals(Optional.of(new VersionedRecord(record, 3)), codec.decode(KEY_A1, again));
        }
    }

    @Test
    void noNameOrAddressIsInTheClear() {
        String sealed = new String(codec.encode(record("a-1", NODE_A, "secret-name"), 1), StandardCharsets.ISO_8859_1);

        assertTrue(!sealed.contains("secret-name") && !sealed.contains("10.0.0.1"), sealed);
    }

    @Test
    void everyTamperedByteIsRefused() {
        byte[] sealed = codec.encode(record("a-1", NODE_A, "gw"), 5);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertEquals(Optional.empty(), codec.decode(KEY_A1, tampered), "byte " + i + " flipped");
        }
        for (int length = 0; length < sealed.length; length++) {
            assertEquals(Optional.empty(), codec.decode(KEY_A1, Arrays.copyOf(sealed, length)), "cut to " + length);
        }
    }

    @Test
    void aNewerVersionCannotBeClaimedForAnOldValue() {
        byte[] sealed = codec.encode(record("a-1", NODE_A, "gw"), 5);
        int versionAt = 2 + NODE_A.value().length();
        ByteBuffer.wrap(sealed).putLong(versionAt, 6);

        assertEquals(Optional.empty(), codec.decode(KEY_A1, sealed));
    }

    @Test
    void aValueMovedToAnotherKeyIsRefused() {
        assertEquals(Optional.empty(), codec.decode(RecordKey.of("a-2", NODE_A), codec.encode(record("a-1", NODE_A, "gw"), 1)));
    }

    @Test
    void aValuePresentedAsAnotherNodesIsRefused() {
        byte[] sealed = codec.encode(record("a-1", NODE_A, "gw"), 1);
        byte[] other = NODE_B.value().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(other, 0, sealed, 2, other.length); // same length: only the id differs

        assertEquals(Optional.empty(), codec.decode(KEY_A1, sealed));
    }

    @Test
    void aReplayedOldValueOpensWithItsOldVersionForTheRegistryToRefuse() {
        byte[] old = codec.encode(record("a-1", NODE_A, "gw"), 3);
        byte[] current = codec.encode(record("a-1", NODE_A, "gw-renamed"), 9);

        assertEquals(3, codec.decode(KEY_A1, old).orElseThrow().version());
        assertEquals(9, codec.decode(KEY_A1, current).orElseThrow().version());
        Freshness freshness = new Freshness();
        assertTrue(freshness.admit(KEY_A1, Freshness.NONE, 9));
        assertTrue(!freshness.admit(KEY_A1, 9, 3), "the replay is older than what was seen");
    }

    @Test
    void anotherSecretOpensNothingAndSealsNothingThatOpens() {
        SealedRecords other = new SealedRecords(key(2));
        ListenerRecord record = record("a-1", NODE_A, "gw");

        assertEquals(Optional.empty(), other.decode(KEY_A1, codec.encode(record, 1)));
        assertEquals(Optional.empty(), codec.decode(KEY_A1, other.encode(record, 1)));
    }

    @Test
    void aPlainRecordIsNotASealedOne() {
        byte[] plain = new ListenerRecordJson().encode(record("a-1", NODE_A, "gw"), 1);

        assertEquals(Optional.empty(), codec.decode(KEY_A1, plain));
    }

    @Test
    void twoSealsOfOneRecordDiffer() {
        ListenerRecord record = record("a-1", NODE_A, "gw");
        byte[] first = codec.encode(record, 1);
        byte[] second = codec.encode(record, 1);

        assertNotEquals(Arrays.toString(first), Arrays.toString(second), "a fresh nonce each time");
        assertArrayEquals(Arrays.copyOf(first, 2 + 36 + 8), Arrays.copyOf(second, 2 + 36 + 8), "the same header");
    }

    @Test
    void aLedgerOpensOnlyAsItsOwnNodesAndUntouched() {
        SliceDigest digest = new SliceDigest(3, 0x1234_5678_9abc_def0L);
        byte[] sealed = codec.encodeLedger(NODE_A, digest);

        assertEquals(Optional.of(digest), codec.decodeLedger(NODE_A, sealed));
        assertEquals(Optional.empty(), codec.decodeLedger(NODE_B, sealed), "another node's ledger");
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertEquals(Optional.empty(), codec.decodeLedger(NODE_A, tampered));
        assertEquals(Optional.empty(), codec.decodeLedger(NODE_A, digest.toBytes()), "a plain ledger");
        assertEquals(Optional.empty(), codec.decodeLedger(NODE_A, codec.encode(record("a-1", NODE_A, "gw"), 1)),
                "a record is no ledger");
    }
}
