package org.nuttssh.cluster.registry;

import java.util.Map;

import com.hazelcast.aggregation.Aggregator;

/**
 * Sums a slice where it is stored: each member adds up the entries of the slice it holds, found through the key index
 * ({@link RecordKey#slice}), and sends back 16 bytes. Runs on every member, so it must stay in the shared jar and in
 * the deserialisation filter's list. A value of another type than the relay writes (a stranger's) sums as an empty
 * one: its owner never wrote that, so the digests differ and the owner repairs its slice.
 */
final class SliceSum implements Aggregator<Map.Entry<String, ?>, SliceDigest> {

    private static final long serialVersionUID = 1L;

    private SliceDigest sum = SliceDigest.EMPTY;

    @Override
    public void accumulate(Map.Entry<String, ?> entry) {
        sum = sum.plus(SliceDigest.hash(entry.getKey(), SharedEntries.bytes(entry.getValue())));
    }

    @Override
    public void combine(Aggregator aggregator) {
        sum = sum.combine(((SliceSum) aggregator).sum);
    }

    @Override
    public SliceDigest aggregate() {
        return sum;
    }
}
