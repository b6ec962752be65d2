package org.nuttssh.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import org.nuttssh.config.RelayConfig;

/**
 * Names that left the registry lately, and the opens waiting for one of them to come back: a device let go by a
 * draining node, or one whose connection broke, reconnects within seconds, and an open that arrives in that gap
 * waits for it instead of failing. Not thread-safe: its {@link NameIndex} holds its lock around every call, and
 * completes the answers it returns after letting go of it.
 */
final class Departures {

    /**
     * Names remembered at most, the oldest departure forgotten first. A name costs about 100 bytes here, so this is
     * about a megabyte: a whole node's fleet (a few thousand devices) leaving at once fits, with room to spare.
     */
    static final int MAX_NAMES = 10_000;
    /**
     * Opens waiting at once on this node, over all names; past it an open is refused at once. A rolling upgrade of
     * 30 devices probed every 2 s had about one open per moved device in the gap; this leaves a thousandfold margin
     * while bounding what a flood of opens to departed names can hold (each waiter holds a channel being opened).
     */
    static final int MAX_WAITING = 1_000;
    /** How long a departure is remembered: as long as the longest wait a relay may be configured with. */
    private static final Duration REMEMBERED = RelayConfig.MAX_RECONNECT_WAIT;

    private record Waiter(int index, CompletableFuture<Optional<ListenerRecord>> answer) {
    }

    /** When each folded name left, in {@link System#nanoTime} terms, oldest first. */
    private final LinkedHashMap<String, Long> left = new LinkedHashMap<>();
    /** By folded name. */
    private final Map<String, List<Waiter>> waiting = new LinkedHashMap<>();
    private int waiters;

    /** {@code folded} was held by no client any more. */
    void left(String folded) {
        long now = System.nanoTime();
        forgetOlderThan(now - REMEMBERED.toNanos());
        left.remove(folded);
        left.put(folded, now);
        if (left.size() > MAX_NAMES) {
            Iterator<String> oldest = left.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * A waiter for {@code name~index} if its name left within {@code within} and there is room for one more, or
     * empty: the open is answered at once.
     */
    Optional<CompletableFuture<Optional<ListenerRecord>>> await(String folded, int index, Duration within) {
        Long at = left.get(folded);
        if (at == null || System.nanoTime() - at > within.toNanos() || waiters >= MAX_WAITING) {
            return Optional.empty();
        }
        Waiter waiter = new Waiter(index, new CompletableFuture<>());
        waiting.computeIfAbsent(folded, n -> new ArrayList<>()).add(waiter);
        waiters++;
        return Optional.of(waiter.answer());
    }

    /**
     * {@code folded} is held again: the waiters whose {@code name~index} resolves now, taken out with their answers,
     * for the caller to complete once it lets go of the lock.
     */
    List<Runnable> returned(String folded, BiFunction<String, Integer, Optional<ListenerRecord>> resolve) {
        List<Waiter> forName = waiting.get(folded);
        if (forName == null) {
            return List.of();
        }
        List<Runnable> answers = new ArrayList<>();
        for (Iterator<Waiter> each = forName.iterator(); each.hasNext(); ) {
            Waiter waiter = each.next();
            Optional<ListenerRecord> found = resolve.apply(folded, waiter.index());
            if (found.isPresent()) {
                each.remove();
                waiters--;
                answers.add(() -> waiter.answer().complete(found));
            }
        }
        if (forName.isEmpty()) {
            waiting.remove(folded);
        }
        return answers;
    }

    /** The wait of {@code answer} is over: it no longer waits (it may have been answered already). */
    void gaveUp(String folded, CompletableFuture<Optional<ListenerRecord>> answer) {
        List<Waiter> forName = waiting.get(folded);
        if (forName != null && forName.removeIf(waiter -> waiter.answer() == answer)) {
            waiters--;
            if (forName.isEmpty()) {
                waiting.remove(folded);
            }
        }
    }

    private void forgetOlderThan(long cutoff) {
        for (Iterator<Long> oldest = left.values().iterator(); oldest.hasNext(); ) {
            if (oldest.next() - cutoff >= 0) {
                return;
            }
            oldest.remove();
        }
    }
}
