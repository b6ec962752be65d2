package org.nuttssh.metrics;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * How often each of a fixed set of things has happened on this node: circuit refusals by reason, limits by setting.
 * The part that decides counts here; the meters read it when scraped, one counter per kind, tagged with its label.
 */
public final class Tally<E extends Enum<E>> {

    private final Map<E, LongAdder> counts = new LinkedHashMap<>();
    private final Function<E, String> label;

    private Tally(Set<E> kinds, Function<E, String> label) {
        kinds.forEach(kind -> counts.put(kind, new LongAdder()));
        this.label = label;
    }

    /** Counts every kind of {@code E}; {@code label} names each in the metrics. */
    public static <E extends Enum<E>> Tally<E> of(Class<E> kinds, Function<E, String> label) {
        return new Tally<>(EnumSet.allOf(kinds), label);
    }

    /** Counts only {@code kinds}; counting another one is a bug. */
    public static <E extends Enum<E>> Tally<E> of(Set<E> kinds, Function<E, String> label) {
        return new Tally<>(kinds, label);
    }

    public void count(E kind) {
        LongAdder count = counts.get(kind);
        if (count == null) {
            throw new IllegalArgumentException(kind + " is not counted here (expected one of " + counts.keySet() + ")");
        }
        count.increment();
    }

    /** Reads take any enum so that a reader needs no type of the part that counts; a kind not counted here is 0. */
    public long get(Enum<?> kind) {
        LongAdder count = counts.get(kind);
        return count == null ? 0 : count.sum();
    }

    /** Each kind counted here, with its label. */
    void forEachKind(BiConsumer<String, E> each) {
        counts.keySet().forEach(kind -> each.accept(label.apply(kind), kind));
    }
}
