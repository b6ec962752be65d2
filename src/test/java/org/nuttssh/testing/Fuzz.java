package org.nuttssh.testing;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** What the property tests feed a parser: noise, and {@link Mutator}'s near misses of valid input. */
public final class Fuzz {

    private Fuzz() {
    }

    /** A parse of hostile input: it may refuse it, with its own exception. */
    public interface Parse {
        void run() throws Exception;
    }

    /**
     * Runs {@code parse} and lets it end normally or with a {@code refusal}; any other exception fails the property,
     * and so does a parse that does not end.
     */
    public static void endsOrRefusesWith(Class<? extends Exception> refusal, Parse parse) throws Exception {
        Deadline.within(Deadline.GENEROUS, () -> {
            try {
                parse.run();
            } catch (Exception e) {
                if (!refusal.isInstance(e)) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** Up to {@code maxLength} bytes of noise. */
    public static Arbitrary<byte[]> noise(int maxLength) {
        return Arbitraries.randomValue(random -> Mutator.noise(random.nextInt(maxLength + 1), random));
    }

    /** One of {@code seeds}, mutated. */
    public static Arbitrary<byte[]> mutationsOf(List<byte[]> seeds) {
        return Arbitraries.of(seeds).flatMap(seed -> Arbitraries.randomValue(random -> Mutator.mutate(seed, random)));
    }
}
