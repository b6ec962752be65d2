package org.nuttssh.cluster.registry;

import java.util.Map;

import com.hazelcast.aggregation.Aggregator;

/**
 * Sums a slice where it is stored: each member adds up the entries of the slice it holds, found through the key index
 * ({@link RecordKey#slice}), and sends back 16 bytes. Runs on every member, so it must stay in the shared jar and in
 * the deserialisation filter's list.
 */
final class SliceSum implements Aggregator<Map.Entry<String, byte[]>, SliceDigest> {

    private static final long serialVersionUID = 1L;

    private SliceDigest sum = SliceDigest.EMPTY;

    @Override
    public void accumulate(Map.Entry<String, byte[]> entry) {
        sum = sum.plus(SliceDigest.hash(entry.getKey(), entry.getValue()));
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
